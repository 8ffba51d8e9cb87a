import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import { bundledAgentsDir, loadConfig } from './load-config.ts';

let directory: string;
beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-config-'));
});
afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(directory, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('works with no config file at all, using defaults and the bundled roster', () => {
    const config = loadConfig({ cwd: directory, env: {} });
    expect(config.configPath).toBeUndefined();
    expect(config.dataDir).toBe(path.join(directory, '.nova'));
    expect(config.agentsDir).toBe(bundledAgentsDir);
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 7420,
      corsOrigins: [],
      maxBodyBytes: 1_000_000,
    });
    expect(config.models.retries).toBe(2);
  });

  it('resolves paths against the config file folder and applies env overrides', () => {
    write(
      'nova.config.json',
      JSON.stringify({ dataDir: 'state', projects: [{ id: 'acme', name: 'Acme ERP', root: './acme' }] }),
    );
    const config = loadConfig({ cwd: directory, env: { NOVA_PORT: '9000', NOVA_HOST: '0.0.0.0' } });
    expect(config.dataDir).toBe(path.join(directory, 'state'));
    expect(config.projects[0]).toMatchObject({
      id: 'acme',
      root: path.join(directory, 'acme'),
      docs: [],
      tags: [],
    });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(loadConfig({ cwd: directory, env: { NOVA_DATA_DIR: '/tmp/x' } }).dataDir).toBe('/tmp/x');
  });

  it('reads a scripted model named in a config file relative to that file', () => {
    fs.mkdirSync(path.join(directory, 'conf'));
    const file = path.join(directory, 'conf', 'nova.config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ models: { default: 'scripted:demo.json', fallback: 'openai:gpt-4o-mini' } }),
    );
    const config = loadConfig({ cwd: directory, env: {}, configPath: file });
    expect(config.models.default).toBe(`scripted:${path.join(directory, 'conf', 'demo.json')}`);
    expect(config.models.fallback).toBe('openai:gpt-4o-mini');
  });

  it('resolves the routing data files relative to the config file, and keeps false (none) as is', () => {
    fs.mkdirSync(path.join(directory, 'routing-conf'));
    const file = path.join(directory, 'routing-conf', 'nova.config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        routing: {
          wordVectors: 'vectors.bin',
          outOfScopeExamples: false,
          maxOutOfScope: 0.7,
          secondLook: false,
        },
      }),
    );
    const config = loadConfig({ cwd: directory, env: {}, configPath: file });
    expect(config.routing).toMatchObject({
      wordVectors: path.join(directory, 'routing-conf', 'vectors.bin'),
      outOfScopeExamples: false,
      maxOutOfScope: 0.7,
      secondLook: false,
    });
    // On unless the file says otherwise.
    expect(
      loadConfig({ cwd: directory, env: {}, configPath: write('empty.json', '{}') }).routing.secondLook,
    ).toBe(true);
  });

  it('names the file, line and field of a bad value', () => {
    const file = write('nova.config.json', '{\n  "models": {\n    "default": "gpt-4o"\n  }\n}\n');
    try {
      loadConfig({ cwd: directory, env: {} });
      expect.unreachable();
    } catch (error) {
      expect(NovaError.is(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toContain(`${file}:3: models.default: must be \`provider:model\``);
    }
  });

  it('reports JSON syntax errors with a line and unknown keys by name', () => {
    write('nova.config.json', '{\n  "dataDir": ".nova",\n  "modles": {}\n}\n');
    expect(() => loadConfig({ cwd: directory, env: {} })).toThrow(/:3: modles: unknown field/);
    write('nova.config.json', '{\n  "dataDir": ".nova"\n  "x": 1\n}\n');
    expect(() => loadConfig({ cwd: directory, env: {} })).toThrow(/syntax/);
  });

  it('refuses duplicate project ids, a bad NOVA_PORT and a missing explicit config file', () => {
    write(
      'nova.config.json',
      JSON.stringify({
        projects: [
          { id: 'a', name: 'A', root: '.' },
          { id: 'a', name: 'B', root: '.' },
        ],
      }),
    );
    expect(() => loadConfig({ cwd: directory, env: {} })).toThrow(/used twice/);
    fs.rmSync(path.join(directory, 'nova.config.json'));
    expect(() => loadConfig({ cwd: directory, env: { NOVA_PORT: 'eighty' } })).toThrow(/NOVA_PORT/);
    expect(() => loadConfig({ cwd: directory, env: {}, configPath: 'missing.json' })).toThrow(
      /cannot read config file/,
    );
  });

  it('reads YAML config too', () => {
    write('nova.config.yaml', 'models:\n  default: scripted:examples/hello.json\n');
    expect(loadConfig({ cwd: directory, env: {} }).models.default).toBe(
      `scripted:${path.join(directory, 'examples/hello.json')}`,
    );
  });
});
