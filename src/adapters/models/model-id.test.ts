import { describe, expect, it } from 'vitest';
import { NovaError } from '../../domain/nova-error.ts';
import { parseModelId } from './model-id.ts';

describe('parseModelId', () => {
  it('splits provider and model, keeping colons and paths in the model part', () => {
    expect(parseModelId('openai:gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(parseModelId('ollama:llama3.1:8b')).toEqual({ provider: 'ollama', model: 'llama3.1:8b' });
    expect(parseModelId('scripted:examples/hello.json')).toEqual({
      provider: 'scripted',
      model: 'examples/hello.json',
    });
  });

  it.each(['gpt-4o', 'openai:', ':gpt-4o', 'OpenAI:gpt-4o', 'open ai:gpt', ''])(
    'refuses "%s" with CONFIG_INVALID showing the accepted form and examples',
    (id) => {
      let caught: unknown;
      try {
        parseModelId(id);
      } catch (error) {
        caught = error;
      }
      expect(NovaError.is(caught, 'CONFIG_INVALID')).toBe(true);
      expect((caught as NovaError).message).toContain(`"${id}" is not of the form provider:model`);
      expect((caught as NovaError).message).toContain('openai:gpt-4o-mini');
      expect((caught as NovaError).message).toContain('scripted:examples/hello.json');
    },
  );
});
