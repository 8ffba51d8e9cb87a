import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Nova } from '../../composition/create-nova.ts';
import { NovaError } from '../../domain/nova-error.ts';
import { loadOrCreateApiToken } from './api-token.ts';
import { createHttpApp } from './create-http-app.ts';

export interface HttpServer {
  readonly url: string;
  readonly port: number;
  readonly tokenPath: string;
  readonly recoveredRuns: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts the API on the configured address (127.0.0.1 unless configured otherwise), watching
 * the agents folder so edits apply without a restart, and training the router in the background.
 */
export async function startHttpServer(
  nova: Nova,
  overrides: { host?: string; port?: number } = {},
): Promise<HttpServer> {
  const host = overrides.host ?? nova.config.server.host;
  const port = overrides.port ?? nova.config.server.port;
  const token = loadOrCreateApiToken(nova.config.dataDir);
  const recoveredRuns = await nova.app.recoverInterrupted();
  // The router is trained in a worker thread, now and after each agent edit, so the first routed
  // request after either does not wait for it and nothing else waits at all.
  const prepareRouter = (): void =>
    void nova.app.prepareRouter().catch((error: unknown) => {
      if (!(error instanceof NovaError && error.code === 'CANCELLED'))
        process.stderr.write(
          `nova: preparing the router failed: ${(error as Error).message ?? String(error)}\n`,
        );
    });
  nova.app.catalog.watch((error) => {
    if (error === undefined) prepareRouter();
  });
  prepareRouter();
  const app = createHttpApp({
    app: nova.app,
    token: token.value,
    maxBodyBytes: nova.config.server.maxBodyBytes,
    pipelines: nova.pipelines,
    corsOrigins: nova.config.server.corsOrigins,
    log: (line) => process.stderr.write(line),
    reminders: nova.reminders,
    todos: nova.todos,
    drafts: nova.drafts,
  });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(instance));
    instance.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    tokenPath: token.path,
    recoveredRuns,
    async close() {
      nova.app.catalog.stop();
      await nova.app.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
