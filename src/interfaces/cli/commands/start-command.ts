import { Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from '../main.ts';

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65_535)
    throw new InvalidArgumentError('must be a port from 0 to 65535');
  return number;
}

export function startCommand(context: CommandContext): Command {
  return new Command('start')
    .description('run the HTTP API (loopback only unless --host says otherwise); Ctrl-C stops it')
    .option('--host <host>', 'address to bind (default 127.0.0.1, or server.host in the config)')
    .option('--port <port>', 'port (default 7420, or server.port in the config; 0 picks a free one)', port)
    .action(async (options: { host?: string; port?: number }) => {
      const nova = await context.openNova();
      const { startHttpServer } = await import('../../http/start-http-server.ts');
      const server = await startHttpServer(nova, {
        ...(options.host ? { host: options.host } : {}),
        ...(options.port !== undefined ? { port: options.port } : {}),
      });
      const { io } = context;
      io.writeError(`Nova API listening on ${server.url}\n`);
      io.writeError(
        `agents: ${nova.app.catalog.list().length} from ${nova.app.catalog.location} (reloaded on change)\n`,
      );
      io.writeError(`token:  ${server.tokenPath} (send it as "Authorization: Bearer <token>")\n`);
      if (server.recoveredRuns.length > 0) {
        io.writeError(
          `marked ${server.recoveredRuns.length} run(s) left by a stopped process as interrupted\n`,
        );
      }
      // Pipeline runs a stopped process left behind continue here; finished steps are not redone.
      const resumed = await nova.pipelines.recover({
        onEvent: (event) => {
          if (event.type === 'run-end') io.writeError(`pipeline run ${event.runId} ${event.status}\n`);
        },
      });
      if (resumed.length > 0) {
        io.writeError(
          `resuming ${resumed.length} pipeline run(s): ${resumed.map((item) => item.runId).join(', ')}\n`,
        );
      }
      // Reminders and schedules: what came due while Nova was down fires now (once, marked late).
      const registered = await nova.registerSchedules();
      if (registered.length > 0) io.writeError(`schedules registered: ${registered.join(', ')}\n`);
      const missed = await nova.reminders.runDue();
      if (missed.length > 0)
        io.writeError(
          `fired ${missed.length} reminder(s) that came due while Nova was stopped: nova inbox\n`,
        );
      nova.reminders.start();
      // A changed embedding model re-embeds memory in the background; search works meanwhile.
      void nova.memory
        .embedPending()
        .then((count) => {
          if (count > 0)
            io.writeError(`embedded ${count} memory item(s) with ${nova.memory.embeddingModel ?? ''}\n`);
        })
        .catch((error: unknown) =>
          io.writeError(`nova: embedding memory failed: ${(error as Error).message}\n`),
        );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      io.writeError('stopping: finishing in-flight runs as cancelled…\n');
      await server.close();
      await nova.close();
    });
}
