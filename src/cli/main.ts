/**
 * The command line, built on commander. `run()` returns the exit code and
 * touches the world only through `io`, so tests call it in-process.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CompileCommandOptions } from './compile.js';
import type { LintCommandOptions } from './lint.js';
import type { CheckBindingOptions } from './check-binding.js';
import type { DumpOptions } from './dump.js';
import { ExitCode } from './exit-codes.js';
import { importByUrl } from '../import-by-url.js';
import { packageVersion } from './version.js';
import { withSourceOptions } from './source-options.js';
import { escapeControls } from '../report/safe-text.js';
import type { CliIo } from './io.js';


/** An integer as C's strtol(…, 0) reads it: decimal, 0x hex or 0 octal. */
function cInteger(text: string): number {
  const t = text.trim();
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(t);
  if (!m) throw new InvalidArgumentError(`not an integer: ${text}`);
  const v = t.startsWith('0x') || t.startsWith('0X') ? parseInt(t, 16) : t.length > 1 && t.startsWith('0') ? parseInt(t, 8) : parseInt(t, 10);
  if (!Number.isSafeInteger(v) || v > 0xffffffff) throw new InvalidArgumentError(`out of range: ${text}`);
  return v;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('vmgenid-lint')
    .description('Check devicetree files for the Virtual Machine Generation ID device.')
    .version(packageVersion(), '-V, --version')
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride()
    // The lint options and compile's share letters (-o, -I, -D): each belongs to the command it follows.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)');

  withSourceOptions(
    program.argument('[inputs...]', 'DTS or DTB files, folders (every .dts/.dtb/.dtso/.dtbo below), or - for standard input'),
    'search folder for #include and /include/ (repeatable)',
  )
    .option('--schema <path>', 'add bindings from a YAML file or a folder (repeatable)', collect, [])
    .option('--override-schema', 'let a --schema file replace the built-in schema with the same $id (otherwise an error)', false)
    .option('--all', 'judge every node by every schema that selects it (the core ones and the bindings), as dt-validate does', false)
    .option('--kernel <dir>', "lint as the kernel's make dtbs_check does: its include folder (scripts/dtc/include-prefixes), every binding under Documentation/devicetree/bindings, and --all")
    .option('--base <file>', 'apply each overlay input onto this board (DTS or DTB), as fdtoverlay does, and judge the result')
    .option('--config <file>', 'read settings from this file (default: the nearest .vmgenid-lint.yaml/.json or package.json "vmgenid-lint" above each input)')
    .option('--no-config', 'read no configuration file')
    .option('-j, --jobs <n>', 'lint the inputs in this many worker threads, or auto for one per core (default 1)')
    .option('--no-cache', 'compile the --schema bindings afresh and keep nothing in the cache folder ($XDG_CACHE_HOME/vmgenid-lint or ~/.cache/vmgenid-lint)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'sarif', 'github']).default('text'))
    .option('-o, --output <file>', 'write the report here (atomically) instead of standard output')
    .option('--rule <name=severity>', 'set a check\'s severity (error, warning, note) or turn it off (repeatable; see list-checks)', collect, [])
    .option('-q, --quiet', 'report errors only', false)
    .option('--max-warnings <n>', 'fail when there are more warnings than this', cInteger)
    .option('--verbose', 'show more detail about each finding', false)
    .addHelpText(
      'after',
      `
Exit status: 0 clean, 1 findings (errors, or warnings past --max-warnings), 2 usage error, or an input that
cannot be read or compiled (or that dtc refuses).

Examples:
  vmgenid-lint board.dts
  vmgenid-lint -I include -D SOC_HAS_VMGENID board.dts
  vmgenid-lint --format json firmware/dts/
  vmgenid-lint --rule vmgenid-node-name=off --max-warnings 0 board.dtb
  vmgenid-lint /proc/device-tree                     the tree a running guest was given
  vmgenid-lint --kernel ~/linux ~/linux/arch/arm64/boot/dts/arm    like make dtbs_check, much faster
  vmgenid-lint compile board.dts -o board.dtb`,
    )
    .action(async (inputs: string[], opts: LintCommandOptions) => {
      if (inputs.length === 0) {
        program.outputHelp({ error: true });
        setExit(ExitCode.Usage);
        return;
      }
      const { lintCommand } = await import('./lint.js');
      setExit(await lintCommand(inputs, opts, io));
    });

  program
    .command('check-binding')
    .description('check binding files as `make dt_binding_check` does (binding rules, then each example compiled and validated), plus review findings')
    .argument('<bindings...>', 'binding YAML files')
    .option('-I, --include <dir>', 'search folder for the examples\' #include (repeatable; our own dt-bindings headers come last)', collect, [])
    .option('--schema <path>', 'add bindings the examples need, from a YAML file or a folder (repeatable)', collect, [])
    .option('--override-schema', 'let a --schema file replace the built-in schema with the same $id (the binding checked always may)', false)
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'sarif', 'github']).default('text'))
    .option('-o, --output <file>', 'write the report here (atomically)')
    .option('-q, --quiet', 'report errors only', false)
    .option('--max-warnings <n>', 'fail when there are more warnings than this', cInteger)
    .option('--verbose', 'show more detail', false)
    .action(async (files: string[], opts: CheckBindingOptions) => {
      const { checkBindingCommand } = await importByUrl<typeof import('./check-binding.js')>(new URL('../cli/check-binding.js', import.meta.url));
      setExit(await checkBindingCommand(files, opts, io));
    });

  program
    .command('list-checks')
    .description('list the vmgenid checks: name, default severity, what each finds (--docs: why, and how to fix)')
    .option('--docs', 'also print why each check matters and how to fix what it finds', false)
    .action(async (opts: { docs: boolean }) => {
      const { listChecksCommand } = await import('./list-checks.js');
      setExit(listChecksCommand(opts, io));
    });

  withSourceOptions(
    program
      .command('dump')
      .description('print the JSON dt-schema validates, for the whole tree or one node')
      .argument('<input>', 'DTS or DTB file, or - for standard input')
      .option('--node <path>', 'only this node (and what is below it)'),
    'search folder for #include and /include/ (repeatable)',
  )
    .option('--schema <path>', 'bindings whose declared types decode blob values (repeatable)', collect, [])
    .action(async (input: string, opts: DumpOptions) => {
      const { dumpCommand } = await import('./dump.js');
      setExit(await dumpCommand(input, opts, io));
    });

  withSourceOptions(
    program
      .command('compile')
      .description('compile a devicetree (DTS or DTB) to DTB or DTS, byte for byte as dtc 1.6.1 does')
      .argument('<input>', 'DTS or DTB file, or - for standard input (type detected from the content)'),
    'add a folder to the #include, /include/ and /incbin/ search path (repeatable; dtc -i, cpp -I)',
  )
    .option('-o, --output <file>', 'write here (atomically) instead of standard output')
    .addOption(new Option('-O, --out-format <format>', 'output format').choices(['dtb', 'dts']).default('dtb'))
    .addOption(new Option('--from <format>', 'input format (default: detected)').choices(['dts', 'dtb']))
    .option('-@, --symbols', 'generate __symbols__ for overlays (dtc -@)', false)
    .addOption(new Option('-H, --phandle <format>', 'phandle properties to generate').choices(['legacy', 'epapr', 'both']).default('epapr'))
    .option('-b, --boot-cpu <id>', 'boot CPU id for the blob header (dtc -b)', cInteger)
    .option('-p, --pad <bytes>', 'add this much padding to the blob (dtc -p)', cInteger)
    .option('-S, --space <bytes>', 'make the blob at least this big (dtc -S)', cInteger)
    .option('-R, --reserve <n>', 'add this many empty memory reservation slots (dtc -R)', cInteger)
    .option('-a, --align <bytes>', 'pad the blob to a multiple of this (a power of two; dtc -a)', cInteger)
    .option('-f, --force', 'write the output even when dtc\'s checks find errors (dtc -f)', false)
    .option('-q, --quiet', 'with -f, do not show what dtc\'s checks found', false)
    .addHelpText(
      'after',
      `
Examples:
  vmgenid-lint compile board.dts -o board.dtb
  vmgenid-lint compile -O dts board.dtb          decompile to standard output
  vmgenid-lint compile -@ -I include overlay.dts -o overlay.dtbo`,
    )
    .action(async (input: string, opts: CompileCommandOptions) => {
      // Loaded on demand: start-up pays only for the command that runs.
      const { compileCommand } = await import('./compile.js');
      setExit(await compileCommand(input, opts, io));
    });

  return program;
}

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function run(argv: string[], given: CliIo): Promise<number> {
  // Standard error never carries a control character but newline and tab: what it echoes comes from the
  // command line too (a file named with an escape sequence, passed by a pre-commit hook; commander's
  // "unknown option '…'"), and the reports themselves already escape what comes from inputs.
  const io: CliIo = { ...given, stderr: (text) => given.stderr(escapeControls(text, '\n\t')) };
  let code: number = ExitCode.Ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.Usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end in a "successful" error; everything else is a usage error.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    throw err;
  }
  return code;
}
