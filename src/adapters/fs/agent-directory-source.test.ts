import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentCatalog } from '../../app/agent-catalog.ts';
import { NovaError } from '../../domain/nova-error.ts';
import { AgentDirectorySource } from './agent-directory-source.ts';

const tools = new Set(['project_read_file']);
let directory: string;

function agentFile(name: string, extra = ''): string {
  return `---\nname: ${name}\ntitle: ${name}\ndomain: general\ndescription: The ${name} agent for these tests.\nexamples: [do the ${name} thing]\n${extra}---\nInstructions for ${name}.\n`;
}

beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-agents-'));
});
afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

describe('AgentDirectorySource and AgentCatalog', () => {
  it('loads every valid file and keeps going past a broken one', async () => {
    fs.writeFileSync(path.join(directory, 'alpha.md'), agentFile('alpha'));
    fs.writeFileSync(path.join(directory, 'beta.md'), agentFile('beta', 'budget: { steps: 0 }\n'));
    fs.writeFileSync(path.join(directory, 'notes.txt'), 'not an agent');
    const load = await new AgentDirectorySource(directory, tools).load();
    expect(load.agents.map((agent) => agent.name)).toEqual(['alpha']);
    expect(load.problems).toEqual([
      expect.objectContaining({
        file: path.join(directory, 'beta.md'),
        field: 'budget.steps',
        line: 7,
        severity: 'error',
      }),
    ]);
  });

  it('explains why an agent is unavailable: broken file, or unknown name with a suggestion', async () => {
    fs.writeFileSync(path.join(directory, 'alpha.md'), agentFile('alpha'));
    fs.writeFileSync(path.join(directory, 'beta.md'), agentFile('beta', 'effects: [teleport]\n'));
    const catalog = new AgentCatalog(new AgentDirectorySource(directory, tools));
    await catalog.reload();
    expect(catalog.get('alpha').name).toBe('alpha');
    expect(() => catalog.get('beta')).toThrow(
      /agent "beta" is defined but its file has errors:\n.*beta\.md:7: effects\.0/,
    );
    try {
      catalog.get('alpah');
      expect.unreachable();
    } catch (error) {
      expect(NovaError.is(error, 'NOT_FOUND')).toBe(true);
      expect((error as Error).message).toContain('Did you mean "alpha"?');
    }
  });

  it('a missing folder is a config error naming it', async () => {
    const source = new AgentDirectorySource(path.join(directory, 'nope'), tools);
    await expect(source.load()).rejects.toThrow(/cannot read the agents folder .*nope/);
  });

  it('reloads when files are added, changed or removed', async () => {
    fs.writeFileSync(path.join(directory, 'alpha.md'), agentFile('alpha'));
    const catalog = new AgentCatalog(new AgentDirectorySource(directory, tools));
    await catalog.reload();
    let reloads = 0;
    catalog.watch(() => (reloads += 1));
    try {
      fs.writeFileSync(path.join(directory, 'gamma.md'), agentFile('gamma'));
      await expect.poll(() => catalog.find('gamma')?.name, { timeout: 5_000 }).toBe('gamma');
      fs.rmSync(path.join(directory, 'alpha.md'));
      await expect.poll(() => catalog.find('alpha'), { timeout: 5_000 }).toBeUndefined();
      expect(reloads).toBeGreaterThanOrEqual(2);
    } finally {
      catalog.stop();
    }
  });
});
