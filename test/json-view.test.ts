/**
 * The JSON view's regrouping (schema/json-view.ts), pinned by a golden dump:
 * GPIO specifiers split by the controller's #gpio-cells (not under a hog, and
 * a phandle without #gpio-cells taken as no arguments), interrupts by the
 * interrupt parent's #interrupt-cells, reg by the cells handed down, ranges
 * and dma-ranges by those and the bus's own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { projectPath, runCli } from './helpers.js';

test('dump: regrouped cells as dt-schema sees them (golden)', async () => {
  const fixture = projectPath('test/fixtures/json-view/regroup.dts');
  const r = await runCli(['dump', fixture]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString('utf8'), readFileSync(projectPath('test/fixtures/json-view/regroup.json'), 'utf8'));
  const bus = JSON.parse(r.stdout.toString('utf8'))['bus@40000000'];
  assert.deepEqual(bus['button@1000']['reset-gpios'], [[2, 3, 0], [2, 4, 1]]);
  assert.deepEqual(bus.ranges, [[0, 0, 0x40000000, 0x100000], [0x100000, 0, 0x50000000, 0x100000]]);
});
