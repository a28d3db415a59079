/** /proc/device-tree-style folders with odd names, links and contents. */
import type { Rng } from '../rng.js';
import type { Case } from './case.js';


export function folderCase(rng: Rng): Case {
  const files: Record<string, Uint8Array | string> = {
    'dt/#address-cells': new Uint8Array([0, 0, 0, 2]),
    'dt/#size-cells': new Uint8Array([0, 0, 0, 2]),
    'dt/compatible': 'linux,dummy-virt\0',
    'dt/name': '\0',
    'dt/vmgenid@0/compatible': 'microsoft,vmgenid\0',
    'dt/vmgenid@0/reg': new Uint8Array([0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]),
    'dt/vmgenid@0/name': 'vmgenid\0',
    'dt/cpus/#address-cells': new Uint8Array([0, 0, 0, 1]),
    'dt/cpus/cpu@0/reg': new Uint8Array(rng.chance(0.5) ? [0, 0, 0, 0] : [1]),
  };
  const links: Record<string, string> = {};
  const notes: string[] = [];
  const n = rng.int(1, 3);
  for (let k = 0; k < n; k++) {
    switch (rng.int(0, 8)) {
      case 0: {
        const key = rng.pick(Object.keys(files));
        files[key] = new Uint8Array();
        notes.push(`empty ${key}`);
        break;
      }
      case 1:
        links['dt/vmgenid@0/loop'] = '..';
        notes.push('symlink loop to ..');
        break;
      case 2:
        links['dt/self'] = 'self';
        notes.push('self symlink');
        break;
      case 3:
        links['dt/dangling'] = 'nowhere';
        notes.push('dangling symlink');
        break;
      case 4: {
        const odd = rng.pick(['a\nb', 'x y', '\x01', 'é', '-', '--all', '@', 'a@', '@@', '#', ',', 'x'.repeat(250)]);
        files[`dt/${odd}`] = 'v\0';
        if (rng.chance(0.5)) files[`dt/${odd}-node/${odd}`] = 'v\0';
        notes.push(`odd name ${JSON.stringify(odd)}`);
        break;
      }
      case 5: {
        const depth = rng.pick([50, 200, 513]);
        files[`dt/${Array(depth).fill('n').join('/')}/p`] = '';
        notes.push(`nested ${depth}`);
        break;
      }
      case 6:
        files['dt/vmgenid@0/compatible'] = new Uint8Array(rng.int(0, 64)).map(() => rng.int(0, 255));
        notes.push('random compatible bytes');
        break;
      case 7:
        links['dt/dev-null'] = '/dev/null';
        notes.push('link to /dev/null');
        break;
      default:
        links['dt/vmgenid@0/reg2'] = '/proc/self/status';
        notes.push('link to a proc file');
    }
  }
  const argv = rng.pick([['dt'], ['dt/'], ['--all', 'dt'], ['-f', 'json', 'dt'], ['dt', 'dt']]);
  return { kind: 'folder', what: notes.join(', '), files, links, argv };
}

