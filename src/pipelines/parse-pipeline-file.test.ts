import { describe, expect, it } from 'vitest';
import { formatProblem } from '../config/source-problem.ts';
import { NovaError } from '../domain/nova-error.ts';
import { definePipeline, parsePipelineFile } from './parse-pipeline-file.ts';

const check = { agents: new Set(['researcher', 'writer', 'reviewer']), tools: new Set(['notes_add']) };

function problems(text: string): string[] {
  return parsePipelineFile(text, 'p.yaml', check).problems.map(formatProblem);
}

describe('parsePipelineFile', () => {
  it('loads a valid pipeline with defaults filled in', () => {
    const parsed = parsePipelineFile(
      [
        'name: post',
        'description: d',
        'steps:',
        '  - id: a',
        '    kind: agent',
        '    agent: writer',
        '    task: "write {{input.topic}}"',
      ].join('\n'),
      'p.yaml',
      check,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.pipeline?.steps[0]).toMatchObject({ id: 'a', retries: 0 });
  });

  it('names file, line and field for schema problems', () => {
    expect(
      problems(
        [
          'name: post',
          'description: d',
          'steps:',
          '  - id: a',
          '    kind: agent',
          '    agnt: writer',
          '    task: t',
        ].join('\n'),
      ),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^p\.yaml:\d+: steps\.0\.agnt: unknown field/)]));
    expect(
      problems(['name: post', 'description: d', 'steps:', '  - id: a', '    kind: teleport'].join('\n'))[0],
    ).toMatch(/^p\.yaml:5: steps\.0\.kind:/);
  });

  it('refuses references to later or unknown steps, unknown agents and tools, with suggestions', () => {
    const found = problems(
      [
        'name: post',
        'description: d',
        'steps:',
        '  - id: draft',
        '    kind: agent',
        '    agent: writr',
        '    task: "use {{steps.outline.output}} and {{steps.reserch.output}}"',
        '  - id: outline',
        '    kind: tool',
        '    tool: notes_ad',
        '    args: { text: "{{item}}" }',
      ].join('\n'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /p\.yaml:6: steps\.0\.agent: there is no agent "writr" \(did you mean "writer"\?\)/,
        ),
        expect.stringMatching(/p\.yaml:7: steps\.0\.task: .*step "outline" runs after this one/),
        expect.stringMatching(/p\.yaml:7: steps\.0\.task: .*there is no step "reserch"/),
        expect.stringMatching(
          /p\.yaml:10: steps\.1\.tool: there is no tool "notes_ad" \(did you mean "notes_add"\?\)/,
        ),
        expect.stringMatching(/p\.yaml:11: steps\.1\.args: \{\{item\}\} is only defined inside a map step/),
      ]),
    );
  });

  it('checks branch targets come later, join sources earlier, and output contracts are JSON Schema', () => {
    const found = problems(
      [
        'name: post',
        'description: d',
        'steps:',
        '  - id: a',
        '    kind: agent',
        '    agent: writer',
        '    task: t',
        '    output: { type: 12 }',
        '  - id: pick',
        '    kind: branch',
        '    on: "{{steps.a.output}}"',
        '    cases: { yes: [a] }',
        '  - id: j',
        '    kind: join',
        '    from: [later]',
        '  - id: later',
        '    kind: agent',
        '    agent: writer',
        '    task: t',
      ].join('\n'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/steps\.0\.output: is not a valid JSON Schema/),
        expect.stringMatching(/steps\.1\.cases\.yes: step "a" must come after the branch/),
        expect.stringMatching(/steps\.2\.from\.0: step "later" must come before this step/),
      ]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problems('name: post\nsteps: [\n')[0]).toMatch(/^p\.yaml:\d+: YAML syntax:/);
  });

  it('definePipeline runs the same checks for pipelines written in TypeScript', () => {
    const pipeline = definePipeline(
      {
        name: 'ok',
        description: 'd',
        steps: [{ id: 'a', kind: 'tool', tool: 'notes_add', args: { text: 'x' } }],
      },
      check,
    );
    expect(pipeline.steps).toHaveLength(1);
    let caught: unknown;
    try {
      definePipeline(
        { name: 'bad', description: 'd', steps: [{ id: 'a', kind: 'agent', agent: 'nobody', task: 't' }] },
        check,
      );
    } catch (error) {
      caught = error;
    }
    expect(NovaError.is(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('steps.0.agent: there is no agent "nobody"');
  });
});
