import { describe, expect, it } from 'vitest';
import { formatProblem } from '../config/source-problem.ts';
import { parseAgentFile } from './parse-agent-file.ts';

const availableTools = new Set(['project_read_file', 'notes_search', 'notes_add']);

function agentText(frontMatter: string, body = 'You translate text.\n'): string {
  return `---\n${frontMatter.trim()}\n---\n${body}`;
}

const valid = `
name: translator
title: Translator
domain: language
description: Translates text between languages while keeping tone and terminology.
examples:
  - translate this paragraph into German
  - how do you say "invoice overdue" in Spanish
tools: [project_read_file]
effects: [read]
budget:
  steps: 5
`;

describe('parseAgentFile', () => {
  it('turns a valid file into an agent definition with its policy', () => {
    const result = parseAgentFile(agentText(valid), '/roster/translator.md', { availableTools });
    expect(result.problems).toEqual([]);
    expect(result.agent).toMatchObject({
      name: 'translator',
      domain: 'language',
      instructions: 'You translate text.',
      policy: { tools: ['project_read_file'], effects: ['read'], projects: [], delegates: [] },
    });
    expect(result.agent?.policy.budget.maxSteps).toBe(5);
  });

  it('names the line and field of a value that is not allowed, and what is', () => {
    const text = agentText(valid.replace('domain: language', 'domain: linguistics'));
    const result = parseAgentFile(text, 'agents/translator.md', { availableTools });
    expect(result.agent).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    const [problem] = result.problems;
    expect(problem).toMatchObject({ file: 'agents/translator.md', line: 4, field: 'domain', severity: 'error' });
    expect(problem?.message).toContain('language');
    expect(formatProblem(problem!)).toMatch(/^agents\/translator\.md:4: domain: /);
  });

  it('reports a misspelt field at its own line', () => {
    const text = agentText(valid.replace('tools: [project_read_file]', 'tool: [project_read_file]'));
    const result = parseAgentFile(text, 'agents/translator.md', { availableTools });
    expect(result.problems).toContainEqual(
      expect.objectContaining({ field: 'tool', line: 9, message: expect.stringContaining('unknown field') }),
    );
  });

  it('reports a missing required field', () => {
    const text = agentText(valid.replace(/^title: .*$/m, ''));
    const result = parseAgentFile(text, 'agents/translator.md', { availableTools });
    expect(result.problems).toContainEqual(
      expect.objectContaining({ field: 'title', message: expect.stringContaining('required') }),
    );
  });

  it('suggests the tool meant by a typo and refuses a tool whose effect is not allowed', () => {
    const text = agentText(valid.replace('tools: [project_read_file]', 'tools: [project_reed_file, notes_add]'));
    const result = parseAgentFile(text, 'agents/translator.md', { availableTools });
    const messages = result.problems.map((problem) => problem.message);
    expect(messages.some((message) => message.includes('did you mean "project_read_file"'))).toBe(true);
    expect(messages.some((message) => message.includes('effect write'))).toBe(true);
    expect(result.agent).toBeUndefined();
  });

  it('warns but loads when a catalog tool is not available yet', () => {
    const text = agentText(valid.replace('tools: [project_read_file]', 'tools: [memory_search]'));
    const result = parseAgentFile(text, 'agents/translator.md', { availableTools });
    expect(result.agent).toBeDefined();
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'warning', field: 'tools.0' })]);
  });

  it('requires the name to match the file', () => {
    const result = parseAgentFile(agentText(valid), 'agents/interpreter.md', { availableTools });
    expect(result.problems[0]).toMatchObject({ field: 'name', line: 2 });
  });

  it('explains a missing front matter block and YAML syntax errors by line', () => {
    expect(parseAgentFile('# Just markdown', 'a.md', { availableTools }).problems[0]?.message).toContain(
      'missing YAML front matter',
    );
    const broken = parseAgentFile(agentText('name: a\ntitle: [unclosed'), 'a.md', { availableTools });
    expect(broken.problems[0]?.message).toContain('YAML syntax');
    expect(broken.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('requires instructions below the front matter', () => {
    const result = parseAgentFile(agentText(valid, '\n'), 'agents/translator.md', { availableTools });
    expect(result.problems[0]?.message).toContain('no instructions');
  });

  it('refuses an output contract that is not a JSON Schema', () => {
    const text = agentText(`${valid.trim()}\noutput:\n  type: object\n  required: yes\n`);
    const result = parseAgentFile(text, 'agents/translator.md', { availableTools });
    expect(result.agent).toBeUndefined();
    expect(result.problems).toContainEqual(
      expect.objectContaining({ field: 'output', line: 13, message: expect.stringContaining('not a valid JSON Schema') }),
    );
  });
});
