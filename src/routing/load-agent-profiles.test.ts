import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import { loadAgentProfiles } from './load-agent-profiles.ts';

describe('loadAgentProfiles', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-routing-profiles-'));
  });
  afterEach(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('reads name, description, examples and instructions from each agent file, in name order', () => {
    fs.writeFileSync(
      path.join(directory, 'b-chef.md'),
      '---\nname: chef\ndescription: Cooks.\nexamples:\n  - plan a menu\n  - what can I cook with leeks\n---\nYou cook.\n',
    );
    fs.writeFileSync(
      path.join(directory, 'a-gardener.md'),
      '---\nname: gardener\ndescription: Gardens.\nexamples: []\n---\n',
    );
    fs.writeFileSync(path.join(directory, 'notes.txt'), 'not an agent');
    expect(loadAgentProfiles(directory)).toEqual([
      { name: 'gardener', description: 'Gardens.', examples: [] },
      {
        name: 'chef',
        description: 'Cooks.',
        examples: ['plan a menu', 'what can I cook with leeks'],
        instructions: 'You cook.',
      },
    ]);
  });

  it('names the file and the field that is wrong', () => {
    const file = path.join(directory, 'broken.md');
    fs.writeFileSync(file, '---\nname: broken\nexamples: [a]\n---\n');
    let caught: unknown;
    try {
      loadAgentProfiles(directory);
    } catch (error) {
      caught = error;
    }
    expect(NovaError.is(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toBe(
      `${file}: front matter field \`description\` must be a non-empty string`,
    );
    fs.writeFileSync(file, 'name: broken\n');
    expect(() => loadAgentProfiles(directory)).toThrow('expected YAML front matter between two `---` lines');
  });

  it('reads the shipped roster: 34 agents, each with examples', () => {
    const profiles = loadAgentProfiles(path.resolve(import.meta.dirname, '../../agents'));
    expect(profiles).toHaveLength(34);
    expect(profiles.every((profile) => profile.examples.length >= 8)).toBe(true);
  });
});
