import { Command } from 'commander';
import { NovaError } from '../../../domain/nova-error.ts';
import { exitCodeFor } from '../exit-codes.ts';
import type { CommandContext } from '../main.ts';

export function policyCommand(context: CommandContext): Command {
  const policy = new Command('policy').description('what an agent may do, as the runtime decides it');
  policy
    .command('check')
    .description('explain whether an agent may call a tool (with these arguments); exit 7 when not')
    .argument('<agent>', 'agent name')
    .argument('<tool>', 'tool name')
    .argument('[args]', 'the arguments as JSON, e.g. \'{"path": "README.md", "project": "acme"}\'')
    .option('--json', 'print JSON')
    .action(async (agent: string, tool: string, rawArgs: string | undefined, options: { json?: boolean }) => {
      let args: unknown;
      if (rawArgs !== undefined) {
        try {
          args = JSON.parse(rawArgs) as unknown;
        } catch (error) {
          throw new NovaError(
            'BAD_REQUEST',
            `[args] is not JSON (${(error as Error).message}); give e.g. '{"path": "README.md"}'`,
          );
        }
      }
      const nova = await context.openNova();
      try {
        const result = nova.app.checkPolicy(agent, tool, args);
        if (options.json) context.io.writeOut(`${JSON.stringify(result, null, 2)}\n`);
        else {
          for (const check of result.checks)
            context.io.writeOut(`${check.ok ? '✓' : '✗'} ${check.check.padEnd(12)} ${check.detail}\n`);
          context.io.writeOut(`${result.allowed ? 'ALLOWED' : 'DENIED'}: ${agent} → ${tool}\n`);
        }
        if (!result.allowed) context.setExitCode(exitCodeFor('FORBIDDEN'));
      } finally {
        await nova.close();
      }
    });
  return policy;
}
