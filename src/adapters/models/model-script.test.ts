import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NovaError } from '../../domain/nova-error.ts';
import { loadScript } from './model-script.ts';

const examples = path.resolve(import.meta.dirname, '../../../examples');

function caught(action: () => unknown): NovaError {
  try {
    action();
  } catch (error) {
    if (error instanceof NovaError) return error;
    throw error;
  }
  throw new Error('expected a NovaError');
}

describe('loadScript', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-script-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const file = path.join(directory, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('reads a script, filling in loop = false', () => {
    const file = write('ok.json', JSON.stringify({ responses: [{ text: 'hi' }] }));
    expect(loadScript(file)).toEqual({ cases: [], responses: [{ text: 'hi' }], loop: false });
  });

  it('names the file when it is missing or not JSON (with the line)', () => {
    const missing = caught(() => loadScript(path.join(directory, 'nope.json')));
    expect(missing.code).toBe('CONFIG_INVALID');
    expect(missing.message).toBe(
      `cannot read model script ${path.join(directory, 'nope.json')}: no such file`,
    );

    const file = write('broken.json', '{\n  "responses": [\n    { "text": "hi", }\n  ]\n}');
    const broken = caught(() => loadScript(file));
    expect(broken.code).toBe('CONFIG_INVALID');
    expect(broken.message).toContain(`model script ${file} is not valid JSON`);
    expect(broken.message).toMatch(/line 3/);
  });

  it('names the JSON path of each problem and the fields that are allowed', () => {
    const file = write(
      'bad.json',
      JSON.stringify({
        responses: [
          { text: 'fine' },
          { txt: 'typo' },
          { toolCalls: [{ name: 'notes_search', args: {}, argsText: '{}' }] },
          { error: { status: 503, message: 'busy' }, text: 'both' },
          { delayMs: -5 },
        ],
      }),
    );
    const error = caught(() => loadScript(file));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`model script ${file} is invalid: `);
    expect(error.details.problems).toEqual([
      'responses[1]: unknown field "txt" (allowed: text, toolCalls, delayMs, error, usage)',
      'responses[2].toolCalls[0]: give either "args" (an object) or "argsText" (raw text), not both',
      'responses[3]: a response with "error" fails the call, so it cannot also have "text" or "toolCalls"',
      expect.stringMatching(/^responses\[4\]\.delayMs: /),
    ]);
  });

  it('refuses a script without responses', () => {
    const file = write('empty.json', JSON.stringify({ responses: [] }));
    expect(caught(() => loadScript(file)).message).toContain(
      'responses: a script needs at least one response',
    );
    const other = write('other.json', JSON.stringify({ turns: [] }));
    expect(caught(() => loadScript(other)).details.problems).toEqual([
      expect.stringMatching(/^responses: /),
      '(top level): unknown field "turns" (allowed: responses, loop, cases)',
    ]);
  });

  it('loads the example scripts', () => {
    expect(loadScript(path.join(examples, 'hello.json')).responses[0]?.toolCalls).toEqual([
      { name: 'notes_search', args: { query: 'welcome' } },
    ]);
    expect(loadScript(path.join(examples, 'tool-error.json')).responses).toHaveLength(3);
    expect(loadScript(path.join(examples, 'flaky.json')).responses[0]?.error?.status).toBe(503);
  });
});
