import { Command, CommanderError } from 'commander';
import type { Nova } from '../../composition/create-nova.ts';
import { NovaError, toNovaError } from '../../domain/nova-error.ts';
import { processIo, type CliIo } from './cli-io.ts';
import { agentsCommands } from './commands/agents-command.ts';
import { answerCommand, askCommand } from './commands/ask-command.ts';
import { doctorCommand } from './commands/doctor-command.ts';
import { evalCommand, routeCommand } from './commands/route-command.ts';
import { runsCommands } from './commands/runs-command.ts';
import { startCommand } from './commands/start-command.ts';
import { pipelineCommands } from './commands/pipeline-commands.ts';
import { policyCommand } from './commands/policy-command.ts';
import { remindCommands } from './commands/remind-command.ts';
import { todoCommand } from './commands/todo-command.ts';
import { draftsCommand } from './commands/drafts-command.ts';
import { memoryCommands } from './commands/memory-command.ts';
import { traceCommand } from './commands/trace-command.ts';
import { exitCodeFor } from './exit-codes.ts';

/** Shared by every command: how to build Nova and where to write. */
export interface CommandContext {
  readonly io: CliIo;
  /** Builds Nova from the global options (`--config`); the caller closes it. */
  openNova(): Promise<Nova>;
  /** The `--config` option, if given. */
  configPath(): string | undefined;
  /** Set by a command to report its result; 0 when not set. */
  setExitCode(code: number): void;
}

/** Runs the `nova` CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  let wantsJson = false;
  const program = new Command('nova')
    .description('Nova: a self-hosted personal multi-agent AI system')
    .version('0.1.0', '-v, --version')
    .option(
      '-c, --config <file>',
      'config file (default: NOVA_CONFIG, or nova.config.json|yaml in this folder)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.writeOut(text), writeErr: (text) => io.writeError(text) });

  const configPath = (): string | undefined => program.opts<{ config?: string }>().config;
  const context: CommandContext = {
    io,
    configPath,
    openNova: async () => {
      const file = configPath();
      // Loaded when a command needs it: `nova --help`, `nova route` and the like never do.
      const { createNova } = await import('../../composition/create-nova.ts');
      return createNova({
        cwd: io.cwd,
        env: io.env,
        ...(file ? { configPath: file } : {}),
        progress: (line) => io.writeError(`nova: ${line}\n`),
      });
    },
    setExitCode: (code) => (exitCode = code),
  };
  for (const command of [
    askCommand(context),
    answerCommand(context),
    agentsCommands(context),
    runsCommands(context),
    traceCommand(context),
    routeCommand(context),
    evalCommand(context),
    doctorCommand(context),
    startCommand(context),
    ...pipelineCommands(context),
    policyCommand(context),
    ...remindCommands(context),
    todoCommand(context),
    draftsCommand(context),
    ...memoryCommands(context),
  ]) {
    program.addCommand(command);
  }
  // Commands added with addCommand do not inherit exitOverride and output settings by themselves.
  const inherit = (parent: Command): void => {
    for (const command of parent.commands) {
      command.copyInheritedSettings(parent);
      inherit(command);
    }
  };
  inherit(program);
  program.hook('preAction', (_program, action) => {
    wantsJson = action.opts<{ json?: boolean }>().json === true;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage mistakes exit 2 (commander already printed why).
      return error.exitCode === 0 ? 0 : 2;
    }
    const failure = toNovaError(error);
    if (wantsJson) io.writeOut(`${JSON.stringify({ error: failure.toJSON() }, null, 2)}\n`);
    else io.writeError(`nova: ${failure.code === 'INTERNAL' ? 'internal error: ' : ''}${failure.message}\n`);
    if (failure.code === 'INTERNAL' && !NovaError.is(error) && error instanceof Error && io.env.NOVA_DEBUG) {
      io.writeError(`${error.stack ?? ''}\n`);
    }
    return exitCodeFor(failure.code);
  }
}
