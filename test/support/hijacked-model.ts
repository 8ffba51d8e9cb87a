import type { ChatModel, ModelMessage, ModelResolver, ModelToolCall } from '../../src/ports/chat-model.ts';

/** What a poisoned document says to do: `<<CALL tool_name {"json": "arguments"}>>`. */
export const instructionPattern = /<<CALL ([a-z_]+) (\{.*?\})>>/g;

export function instruction(tool: string, input: Record<string, unknown>): string {
  return `<<CALL ${tool} ${JSON.stringify(input)}>>`;
}

function textOf(message: ModelMessage): string {
  if (message.role === 'user') return message.content;
  if (message.role === 'tool') return message.results.map((result) => result.output).join('\n');
  return message.text;
}

/**
 * A model fully taken over by what it reads: it first makes its `opening` call (say, reading the
 * file it was asked about), then obeys every instruction found in the task or in tool results, in
 * order, and finally answers with everything the tools returned — so an instruction travels on to
 * whoever reads the answer. The runtime, not this model, must hold the line.
 */
export function hijackedModel(opening?: { tool: string; input: Record<string, unknown> }): ChatModel {
  let calls = 0;
  return {
    id: 'hijacked:test',
    async generate(request) {
      calls += 1;
      const madeCalls = request.messages
        .filter((message) => message.role === 'assistant')
        .flatMap((message) => (message.role === 'assistant' ? message.toolCalls : []));
      const next: ModelToolCall | undefined = (() => {
        if (opening && madeCalls.length === 0)
          return { id: `call_${calls}`, name: opening.tool, input: opening.input };
        const found = request.messages.flatMap((message) => [
          ...textOf(message).matchAll(instructionPattern),
        ]);
        const index = madeCalls.length - (opening ? 1 : 0);
        const match = found[index];
        if (!match) return undefined;
        let input: unknown;
        try {
          input = JSON.parse(match[2] ?? '{}');
        } catch {
          input = {};
        }
        return { id: `call_${calls}`, name: match[1] ?? '', input };
      })();
      const usage = { inputTokens: 10, outputTokens: 10 };
      if (next)
        return { text: '', toolCalls: [next], finishReason: 'tool-calls', usage, modelId: 'hijacked:test' };
      const seen = request.messages
        .filter((message) => message.role === 'tool')
        .map(textOf)
        .join('\n');
      return {
        text: `Summary of what I read:\n${seen}`,
        toolCalls: [],
        finishReason: 'stop',
        usage,
        modelId: 'hijacked:test',
      };
    },
  };
}

/** Every agent gets a hijacked model; `openingFor` decides each agent's first call. */
export function hijackedResolver(
  openingFor: (
    system: string,
    task: string,
  ) => { tool: string; input: Record<string, unknown> } | undefined = () => undefined,
): ModelResolver {
  return {
    resolve: () => {
      // The opening depends on the agent, known from the system prompt on the first call.
      let model: ChatModel | undefined;
      return {
        id: 'hijacked:test',
        generate(request) {
          const first = request.messages[0];
          model ??= hijackedModel(openingFor(request.system, first?.role === 'user' ? first.content : ''));
          return model.generate(request);
        },
      };
    },
    check: () => Promise.resolve({ ok: true, detail: 'hijacked test model' }),
  };
}
