import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecretsFile } from '../../adapters/fs/secrets-file.ts';
import { NovaError } from '../../domain/nova-error.ts';
import type { ProjectRef, ToolContext } from '../tool.ts';
import { createHttpTools, htmlToText } from './http-tools.ts';
import { createProjectWriteTools } from './project-write.ts';
import { createShellTool } from './shell-exec.ts';

let dir: string;
let project: ProjectRef;
beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-teeth-')));
  fs.mkdirSync(path.join(dir, 'own', '.git'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'outside'));
  fs.symlinkSync(path.join(dir, 'outside'), path.join(dir, 'own', 'link-out'));
  fs.writeFileSync(path.join(dir, 'own', 'README.md'), '# Own\nversion 1\nversion 1\n');
  project = { id: 'own', name: 'Own', root: path.join(dir, 'own'), docs: [], tags: [] };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const context = (extra: Partial<ToolContext> = {}): ToolContext => ({
  runId: 'run_1',
  agent: 'devops',
  projects: [project],
  defaultProjectId: 'own',
  signal: new AbortController().signal,
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<NovaError> {
  try {
    await promise;
  } catch (error) {
    if (NovaError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('project write tools', () => {
  const [write, edit] = createProjectWriteTools();
  it('write inside the project, creating folders, and edit an exact unique piece of text', async () => {
    expect(await write!.execute({ path: 'docs/setup.md', content: 'hello' }, context())).toBe(
      'Created docs/setup.md in project own (5 bytes).',
    );
    expect(fs.readFileSync(path.join(project.root, 'docs/setup.md'), 'utf8')).toBe('hello');
    await write!.execute({ path: 'docs/setup.md', content: 'hello\nworld' }, context());
    expect(await edit!.execute({ path: 'docs/setup.md', find: 'world', replace: 'there' }, context())).toBe(
      'Edited docs/setup.md at line 2 in project own.',
    );
    expect(
      (await refusal(edit!.execute({ path: 'README.md', find: 'version 1', replace: 'x' }, context())))
        .message,
    ).toContain('more than once');
    expect(
      (await refusal(edit!.execute({ path: 'README.md', find: 'nope', replace: 'x' }, context()))).message,
    ).toContain('does not occur');
  });

  it.each([
    ['../escaped.txt', /outside|\.\./],
    ['/etc/passwd', /absolute|relative/],
    ['link-out/planted.txt', /symbolic link/],
    ['.git/config', /\.git/],
    ['app/.env', /secrets/],
  ])('refuses %s', async (target, why) => {
    const error = await refusal(write!.execute({ path: target, content: 'x' }, context()));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(why);
    expect(fs.existsSync(path.join(dir, 'escaped.txt'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'outside', 'planted.txt'))).toBe(false);
  });
});

describe('shell_exec', () => {
  const shell = createShellTool({
    env: {
      PATH: process.env.PATH,
      HOME: '/tmp',
      ACME_API_TOKEN: 'sk-live-should-not-leak-123456',
      LANG: 'C',
    },
  });
  it('runs a program without a shell, in the project, with a scrubbed environment', async () => {
    const output = await shell.execute({ command: 'env', args: [], cwd: '.' }, context());
    expect(output).toContain('exit code 0');
    expect(output).toContain('PATH=');
    expect(output).not.toContain('ACME_API_TOKEN');
    expect(output).not.toContain('sk-live');
    const literal = await shell.execute(
      { command: 'echo', args: ['$HOME', '; rm -rf /'], cwd: '.' },
      context(),
    );
    expect(literal).toContain('$HOME ; rm -rf /');
  });

  it('stops a program past its timeout, cuts long output, and refuses shell syntax and cwd escapes', async () => {
    expect(
      (
        await refusal(
          shell.execute({ command: 'sleep', args: ['5'], cwd: '.', timeoutSeconds: 0.3 }, context()),
        )
      ).code,
    ).toBe('TIMEOUT');
    const long = await shell.execute(
      { command: 'head', args: ['-c', '200000', '/dev/zero'], cwd: '.' },
      context(),
    );
    expect(long).toContain('[output cut at 65536 bytes]');
    expect(() => shell.inputSchema.parse({ command: 'ls; rm -rf /', args: [] })).toThrow();
    expect(
      (await refusal(shell.execute({ command: 'ls', args: [], cwd: '../outside' }, context()))).code,
    ).toBe('FORBIDDEN');
  });
});

describe('http tools', () => {
  let server: http.Server;
  let base = '';
  let hits: string[] = [];
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      hits.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
      if (request.url === '/redirect-out') {
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><script>evil()</script><p>Supplier terms: net 30 &amp; no fees</p></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('fetches an allowed host as text, with secrets substituted inside the tool only', async () => {
    hits = [];
    const [fetchTool] = createHttpTools({
      allowHosts: ['127.0.0.1'],
      allowPrivate: true,
      secret: (name) => (name === 'SUPPLIER' ? 'tok-123' : undefined),
    });
    const output = await fetchTool!.execute(
      { url: `${base}/terms`, headers: { authorization: 'Bearer {{secret:SUPPLIER}}' } },
      context(),
    );
    expect(output).toContain('Supplier terms: net 30 & no fees');
    expect(output).not.toContain('evil');
    expect(hits).toEqual(['GET /terms Bearer tok-123']);
    expect(fetchTool!.trustOf?.({ url: base, headers: {} }, context())).toBe('untrusted');
  });

  it('refuses hosts off the allowlist, private addresses unless allowed, and redirects to them', async () => {
    const [strict] = createHttpTools({ allowHosts: ['example.org'] });
    expect((await refusal(strict!.execute({ url: `${base}/x`, headers: {} }, context()))).message).toContain(
      'host "127.0.0.1" is not allowed',
    );
    const [noPrivate] = createHttpTools({ allowHosts: ['127.0.0.1'] });
    expect(
      (await refusal(noPrivate!.execute({ url: `${base}/x`, headers: {} }, context()))).message,
    ).toContain('private or local address');
    const [lenient] = createHttpTools({ allowHosts: ['127.0.0.1'], allowPrivate: true });
    expect(
      (await refusal(lenient!.execute({ url: `${base}/redirect-out`, headers: {} }, context()))).message,
    ).toContain('host "169.254.169.254" is not allowed');
    expect(
      (await refusal(lenient!.execute({ url: 'file:///etc/passwd', headers: {} }, context()))).message,
    ).toContain('only http and https');
  });

  it('connects only to the address it checked: a name that re-resolves to a private one is refused (DNS rebinding)', async () => {
    hits = [];
    const port = (server.address() as { port: number }).port;
    let lookups = 0;
    // First answer public (passes the check), every later one the local server.
    const rebinding = () => {
      lookups += 1;
      return Promise.resolve([{ address: lookups === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
    };
    const [fetchTool] = createHttpTools({ allowHosts: ['rebind.test'], resolve: rebinding });
    const error = await refusal(
      fetchTool!.execute({ url: `http://rebind.test:${port}/admin`, headers: {} }, context()),
    );
    expect(error.message).toContain('resolved to a private or local address when connecting; refused');
    expect(lookups).toBeGreaterThanOrEqual(2);
    expect(hits).toEqual([]);
    // A name that stays on an allowed address is fetched, through the same pinned lookup.
    const [steady] = createHttpTools({
      allowHosts: ['local.test'],
      allowPrivate: true,
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    });
    expect(
      await steady!.execute({ url: `http://local.test:${port}/terms`, headers: {} }, context()),
    ).toContain('Supplier terms');
    expect(hits).toEqual(['GET /terms ']);
  });

  it('turns HTML into text', () => {
    expect(htmlToText('<h1>A</h1><style>x{}</style><p>b&lt;c</p>')).toBe('A\n b<c');
  });
});

describe('secrets file', () => {
  it('loads a 0600 file and refuses one others can read, naming the fix', () => {
    const file = path.join(dir, 'secrets.json');
    fs.writeFileSync(file, JSON.stringify({ GITHUB_TOKEN: 'ghp_x' }), { mode: 0o600 });
    expect(loadSecretsFile(file)).toEqual({ GITHUB_TOKEN: 'ghp_x' });
    fs.chmodSync(file, 0o644);
    expect(() => loadSecretsFile(file)).toThrow(/chmod 600/);
    expect(loadSecretsFile(path.join(dir, 'missing.json'))).toEqual({});
  });
});
