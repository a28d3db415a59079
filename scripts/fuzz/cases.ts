/** One case of a kind, from its own seeded generator. */
import type { Rng } from '../rng.js';
import type { Case, Kind } from './case.js';
import type { Corpus } from './corpus.js';
import { argsCase } from './args.js';
import { compileCase } from './compile.js';
import { cppCase } from './cpp.js';
import { cppDiffCase } from './cpp-diff.js';
import { dtbCase } from './dtb.js';
import { dtsCase } from './dts.js';
import { folderCase } from './folder.js';
import { outputCase } from './output.js';
import { pipeCase } from './pipe.js';
import { schemaCase } from './schema.js';
import { signalCase } from './signal.js';
import { yamlCase } from './yaml.js';

export function makeCase(kind: Kind, rng: Rng, corpus: Corpus): Case {
  switch (kind) {
    case 'dtb':
      return dtbCase(rng, corpus);
    case 'dts':
      return dtsCase(rng, corpus);
    case 'yaml':
      return yamlCase(rng, corpus);
    case 'folder':
      return folderCase(rng);
    case 'cpp':
      return cppCase(rng, corpus);
    case 'compile':
      return compileCase(rng, corpus);
    case 'schema':
      return schemaCase(rng);
    case 'output':
      return outputCase(rng, corpus);
    case 'signal':
      return signalCase(rng, corpus);
    case 'pipe':
      return pipeCase(rng);
    case 'cpp-diff':
      return cppDiffCase(rng);
    case 'args':
      return argsCase(rng, corpus);
  }
}
