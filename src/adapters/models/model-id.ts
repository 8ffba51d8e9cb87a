import { NovaError } from '../../domain/nova-error.ts';

const modelIdPattern = /^([a-z][a-z0-9-]*):(.+)$/;

/**
 * Splits `provider:model`. The model part may itself contain colons (`ollama:llama3.1:8b`) and,
 * for `scripted:`, is a file path.
 */
export function parseModelId(id: string): { provider: string; model: string } {
  const match = modelIdPattern.exec(id.trim());
  const provider = match?.[1];
  const model = match?.[2]?.trim();
  if (!provider || !model) {
    throw new NovaError(
      'CONFIG_INVALID',
      `model id "${id}" is not of the form provider:model (a lowercase provider name, a colon, then the model), ` +
        'e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, google:gemini-2.5-flash, ollama:llama3.1:8b, ' +
        'scripted:examples/hello.json',
      { details: { modelId: id } },
    );
  }
  return { provider, model };
}
