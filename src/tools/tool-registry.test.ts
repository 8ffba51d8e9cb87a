import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBuiltinTools } from './builtin/create-builtin-tools.ts';
import { findCatalogEntry } from './tool-catalog.ts';
import { defineTool, type Tool } from './tool.ts';
import { ToolRegistry, toModelToolSpec } from './tool-registry.ts';

const builtinTools = createBuiltinTools({
  notes: {
    add: (note) => Promise.resolve(note),
    search: () => Promise.resolve([]),
    list: () => Promise.resolve([]),
  },
  ids: { next: (prefix) => `${prefix}_1` },
  clock: { now: () => 0, sleep: () => Promise.resolve() },
});

function builtin(name: string): Tool {
  const tool = builtinTools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no built-in tool ${name}`);
  return tool;
}

describe('ToolRegistry', () => {
  it('registers tools and finds them by name, in registration order', () => {
    const registry = new ToolRegistry();
    for (const tool of builtinTools) registry.register(tool);
    expect(registry.list().map((tool) => tool.name)).toEqual([
      'project_list_files',
      'project_read_file',
      'project_search',
      'notes_add',
      'notes_search',
    ]);
    expect(registry.get('notes_search')).toBe(builtin('notes_search'));
    expect(registry.get('shell')).toBeUndefined();
  });

  it('refuses a second tool with the same name', () => {
    const registry = new ToolRegistry();
    registry.register(builtin('project_read_file'));
    expect(() => registry.register({ ...builtin('project_read_file') })).toThrow(
      'a tool named "project_read_file" is already registered',
    );
  });

  it('refuses a tool that claims fewer effects than the catalog gives its name', () => {
    const registry = new ToolRegistry();
    expect(() => registry.register({ ...builtin('notes_add'), effects: ['read'] })).toThrow(
      'tool "notes_add" declares effects [read] but the catalog says [write]',
    );
    expect(registry.get('notes_add')).toBeUndefined();
  });

  it('gives every built-in tool the name and effects of its catalog entry', () => {
    for (const tool of builtinTools) {
      expect(findCatalogEntry(tool.name)?.effects, tool.name).toEqual(tool.effects);
    }
  });
});

describe('toModelToolSpec', () => {
  it('turns the input schema into a JSON Schema of what the model may send', () => {
    const spec = toModelToolSpec(builtin('project_read_file'));
    expect(spec.name).toBe('project_read_file');
    expect(spec.description).toContain('line');
    expect(spec.inputSchema).not.toHaveProperty('$schema');
    expect(spec.inputSchema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      properties: {
        project: { type: 'string', description: expect.stringContaining('project id') },
        path: { type: 'string' },
        startLine: { type: 'integer', minimum: 1, default: 1 },
        endLine: { type: 'integer', minimum: 1 },
      },
    });
  });

  it('keeps enums, arrays and nested objects', () => {
    const tool = defineTool({
      name: 'example',
      description: 'an example',
      inputSchema: z.object({
        mode: z.enum(['fast', 'careful']),
        tags: z.array(z.string()).optional(),
        window: z.object({ from: z.string(), to: z.string() }),
      }),
      effects: ['read'],
      execute: () => Promise.resolve(''),
    });
    expect(toModelToolSpec(tool).inputSchema).toMatchObject({
      type: 'object',
      required: ['mode', 'window'],
      properties: {
        mode: { type: 'string', enum: ['fast', 'careful'] },
        tags: { type: 'array', items: { type: 'string' } },
        window: { type: 'object', required: ['from', 'to'] },
      },
    });
  });
});
