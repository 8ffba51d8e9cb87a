import { z } from 'zod';
import { NovaError } from '../domain/nova-error.ts';
import type { ModelToolSpec } from '../ports/chat-model.ts';
import { findCatalogEntry } from './tool-catalog.ts';
import type { Tool } from './tool.ts';

/** The tools that exist in this process, by name, in registration order. */
export class ToolRegistry {
  readonly #tools = new Map<string, Tool>();

  /** Adds a tool; a second tool with the same name, or one that hides catalog effects, is refused. */
  register(tool: Tool): void {
    if (this.#tools.has(tool.name))
      throw new NovaError('CONFLICT', `a tool named "${tool.name}" is already registered`, {
        details: { tool: tool.name },
      });
    const entry = findCatalogEntry(tool.name);
    // Effects are part of the security model: a tool may not claim fewer than the catalog says.
    const missing = entry?.effects.filter((effect) => !tool.effects.includes(effect)) ?? [];
    if (missing.length > 0) {
      throw new NovaError(
        'CONFLICT',
        `tool "${tool.name}" declares effects [${tool.effects.join(', ')}] but the catalog says [${entry?.effects.join(', ')}]`,
        { details: { tool: tool.name, missing } },
      );
    }
    this.#tools.set(tool.name, tool);
  }

  /** The tool with this name, or undefined when none is registered. */
  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  list(): Tool[] {
    return [...this.#tools.values()];
  }
}

/**
 * The model's view of a tool: name, description and a JSON Schema of its arguments as the model
 * writes them (`io: 'input'`, so arguments with defaults are optional).
 */
export function toModelToolSpec(tool: Tool): ModelToolSpec {
  const schema: Record<string, unknown> = z.toJSONSchema(tool.inputSchema, {
    io: 'input',
    unrepresentable: 'any',
  });
  // Providers want a bare object schema; the dialect marker only adds noise to every request.
  delete schema.$schema;
  return { name: tool.name, description: tool.description, inputSchema: schema };
}
