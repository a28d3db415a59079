/** /proc/device-tree-style folders with odd names, links and contents. */
import type { Rng } from '../rng.js';
import type { Case } from './case.js';
import { ENVIRONMENT_SECRET } from './judge.js';

/**
 * How often a folder gets one of the special entries below. Most need a child
 * process (a thread blocked reading a FIFO cannot be stopped), ~100× the cost.
 */
const SPECIAL_CHANCE = 0.03;
const OUTSIDE_SECRET = 'vmgenid-fuzz-outside-secret';

/**
 * Entries a live-tree reader must not follow or open: links out of the folder
 * (to a folder beside it, /proc/self/pagemap, /proc/self/environ, /dev/zero),
 * a FIFO nobody writes, a character device, a file over the size limit.
 */
function special(rng: Rng, c: Case, notes: string[]): void {
  const links = (c.links ??= {});
  switch (rng.int(0, 6)) {
    case 0: {
      // Shown as a string wherever it lands: a compatible (dump prints it, a finding may quote it).
      c.files['outside/compatible'] = `${OUTSIDE_SECRET}\0`;
      const [from, to] = rng.pick([['dt/leak', '../outside'], ['dt/vmgenid@0/leak', '../../outside'], ['dt/leak/compatible', '../../outside/compatible']] as const);
      links[from] = to;
      c.secrets = [OUTSIDE_SECRET];
      notes.push('a link out of the live folder, to a folder beside it');
      return;
    }
    case 1:
      links['dt/vmgenid@0/pagemap'] = '/proc/self/pagemap';
      notes.push('a link to /proc/self/pagemap');
      break;
    case 2:
      links['dt/leak/compatible'] = '/proc/self/environ';
      c.secrets = [ENVIRONMENT_SECRET];
      notes.push('a link to /proc/self/environ');
      break;
    case 3:
      links['dt/vmgenid@0/zero'] = '/dev/zero';
      notes.push('a link to /dev/zero');
      break;
    case 4:
      c.fifos = [rng.pick(['dt/vmgenid@0/fifo', 'dt/fifo'])];
      notes.push('a FIFO nobody writes');
      break;
    case 5:
      c.devices = { 'dt/vmgenid@0/zero': [1, 5] };
      notes.push('a character device (zero)');
      break;
    default:
      c.sparse = { 'dt/vmgenid@0/reg': rng.pick([65 << 20, 1 << 30]) };
      notes.push('a sparse file over the size limit');
  }
  c.mode = 'process';
}


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
  const c: Case = { kind: 'folder', what: '', files, links, argv: rng.pick([['dt'], ['dt/'], ['--all', 'dt'], ['-f', 'json', 'dt'], ['dt', 'dt'], ['dump', 'dt'], ['dump', 'dt']]) };
  if (rng.chance(SPECIAL_CHANCE)) special(rng, c, notes);
  c.what = notes.join(', ');
  return c;
}

