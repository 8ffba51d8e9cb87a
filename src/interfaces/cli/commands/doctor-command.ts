import { Command } from 'commander';
import { diagnose } from '../../../composition/diagnose.ts';
import { NovaError } from '../../../domain/nova-error.ts';
import type { CommandContext } from '../main.ts';

const marks = { ok: '✓', warning: '!', error: '✗' } as const;

export function doctorCommand(context: CommandContext): Command {
  return new Command('doctor')
    .description(
      'check the config, data folder, agents (and whether the router is trained for them), models (and whether each answers) and projects',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const configPath = context.configPath();
      let checks;
      try {
        checks = await diagnose(
          { cwd: context.io.cwd, env: context.io.env, ...(configPath ? { configPath } : {}) },
          () => context.openNova(),
        );
      } catch (error) {
        if (!NovaError.is(error)) throw error;
        checks = [{ name: 'config', status: 'error' as const, detail: error.message }];
      }
      if (options.json) context.io.writeOut(`${JSON.stringify({ checks }, null, 2)}\n`);
      else
        for (const check of checks)
          context.io.writeOut(`${marks[check.status]} ${check.name.padEnd(10)} ${check.detail}\n`);
      if (checks.some((check) => check.status === 'error')) context.setExitCode(3);
    });
}
