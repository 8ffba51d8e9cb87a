import { NovaError } from '../../domain/nova-error.ts';

/** `provider:model`; the model part may itself contain colons (`ollama:llama3.1:8b`). */
export function parseModelId(id: string): { provider: string; model: string } {
  const match = /^([a-z][a-z0-9-]*):(.+)$/.exec(id.trim());
  if (!match?.[1] || !match[2]) {
    throw new NovaError(
      'CONFIG_INVALID',
      `model id "${id}" is not of the form provider:model; examples: openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, ollama:llama3.1, scripted:examples/hello.json`,
      { details: { modelId: id } },
    );
  }
  return { provider: match[1], model: match[2] };
}
