import { z } from 'zod';
import { NovaError } from '../domain/nova-error.ts';
import type { ModelToolSpec } from '../ports/chat-model.ts';
import { findCatalogEntry } from './tool-catalog.ts';
import type { Tool } from './tool.ts';

/** The tools that exist in this process, by name. */
export class ToolRegistry {
  readonly #tools = new Map<string, Tool>();

  register(tool: Tool): void {
    if (this.#tools.has(tool.name))
      throw new NovaError('CONFLICT', `a tool named "${tool.name}" is already registered`);
    const entry = findCatalogEntry(tool.name);
    // Effects are part of the security model: a tool may not claim fewer than the catalog says.
    if (entry && entry.effects.some((effect) => !tool.effects.includes(effect))) {
      throw new NovaError(
        'CONFLICT',
        `tool "${tool.name}" declares effects ${tool.effects.join(', ')} but the catalog says ${entry.effects.join(', ')}`,
      );
    }
    this.#tools.set(tool.name, tool);
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  list(): Tool[] {
    return [...this.#tools.values()];
  }
}

/** The model's view of a tool: name, description and a JSON Schema of its arguments. */
export function toModelToolSpec(tool: Tool): ModelToolSpec {
  const schema = z.toJSONSchema(tool.inputSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete schema.$schema;
  return { name: tool.name, description: tool.description, inputSchema: schema };
}
