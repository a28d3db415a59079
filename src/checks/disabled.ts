import { isEnabled, report, stringValue, type Check } from './context.js';

export const disabled: Check = {
  name: 'vmgenid-disabled',
  severity: 'note',
  description: 'a vmgenid node that is not enabled is skipped, and says so',
  docs:
    'A node whose status is not "okay" (or absent) is not probed by Linux, so the device checks do not judge it; ' +
    'this note says that nothing was checked, so a clean report is not mistaken for a verdict on that node.',
  run(ctx) {
    return ctx.allVmgenids
      .filter((node) => !isEnabled(node))
      .map((node) =>
        report(disabled, node, `${node.path} has status = "${stringValue(node, 'status') ?? ''}": the vmgenid checks skip it`, 'status'),
      );
  },
};
