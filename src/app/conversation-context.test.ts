import { describe, expect, it } from 'vitest';
import { createTestApp, type TestTurn } from '../../test/support/test-app.ts';
import type { InMemoryRunJournal } from '../adapters/memory/in-memory-run-journal.ts';
import { tokenCounterFor } from '../context/token-counter.ts';
import type { ModelRequest } from '../ports/chat-model.ts';
import { ConversationContextSource } from './conversation-context-source.ts';

async function conversationApp(turns: TestTurn[]) {
  // The source reads the journal the app is built with, which exists only once the app does.
  const built: { journal?: InMemoryRunJournal } = {};
  const created = await createTestApp({
    turns,
    contextSource: new ConversationContextSource((runId) => built.journal!.getRun(runId)),
  });
  built.journal = created.journal;
  return created;
}

const promptOf = (request: ModelRequest): string =>
  [request.system, ...request.messages.map((message) => JSON.stringify(message))].join('\n');

describe('the conversation as context', () => {
  it('gives a follow-up the earlier question and answer, with provenance, and routes it to the same agent', async () => {
    const prompts: string[] = [];
    const answers = ['"Bonjour" means "hello".', 'In Spanish: "hola".'];
    // Each run replays the script from its start: one turn that answers by call order.
    const { app } = await conversationApp([
      (request) => {
        prompts.push(promptOf(request));
        return Promise.resolve({ text: answers[prompts.length - 1] ?? '' });
      },
    ]);
    const first = await app.ask({ text: 'what does bonjour mean', agent: 'translator' });
    // Too vague for the router alone; as a follow-up it stays with the agent that answered.
    const routed = await app.routeAsync({ text: 'and in spanish?', followsRunId: first.id });
    expect(routed).toMatchObject({ kind: 'decision', agent: 'translator', strategy: 'conversation' });
    expect(routed.reasons.at(-1)).toBe(`conversation: a follow-up of ${first.id}, which translator answered`);
    if (routed.kind !== 'decision') return;
    const second = await app.ask({
      text: 'and in spanish?',
      agent: routed.agent,
      routing: routed,
      followUp: first.id,
    });
    expect(second.status).toBe('succeeded');
    expect(second.task.followsRunId).toBe(first.id);
    expect(second.context.items).toHaveLength(1);
    expect(second.context.items[0]).toMatchObject({
      id: `conv-${first.id}`,
      kind: 'conversation',
      provenance: { sourceUri: `run://${first.id}/turn`, trust: 'trusted' },
    });
    expect(prompts[0]).not.toContain('Q: what does bonjour mean');
    expect(prompts[1]).toContain('Q: what does bonjour mean');
    expect(prompts[1]).toContain('A: \\"Bonjour\\" means \\"hello\\".');
  });

  it('packs the turns newest first, and the same words in another conversation are not reused or joined', async () => {
    const { app } = await conversationApp(
      Array.from({ length: 6 }, (_, index) => ({ text: `answer ${index + 1}` })),
    );
    const one = await app.ask({ text: 'first question', agent: 'assistant' });
    const two = await app.ask({ text: 'second question', agent: 'assistant', followUp: one.id });
    const three = await app.ask({ text: 'third question', agent: 'assistant', followUp: two.id });
    expect(three.context.items.map((item) => item.id)).toEqual([`conv-${two.id}`, `conv-${one.id}`]);
    const elsewhere = await app.ask({ text: 'third question', agent: 'assistant', followUp: one.id });
    expect(elsewhere.reusedFromRunId).toBeUndefined();
    expect(elsewhere.context.items.map((item) => item.id)).toEqual([`conv-${one.id}`]);
  });

  it('resolves "last" to the newest run a person started, and names a missing run', async () => {
    const { app } = await conversationApp([{ text: 'one' }]);
    await expect(app.resolveFollowUp('last')).rejects.toThrow('there is no earlier run to follow up');
    const run = await app.ask({ text: 'hello there', agent: 'assistant' });
    expect((await app.resolveFollowUp('last')).id).toBe(run.id);
    await expect(app.resolveFollowUp('run_nope')).rejects.toThrow(
      'no run run_nope to follow up; `nova runs list` shows run ids, or use "last"',
    );
  });
});

describe('ConversationContextSource', () => {
  const counter = tokenCounterFor('openai:gpt-4o-mini');

  it('marks an answer built on untrusted content untrusted, stops at cycles and missing runs, and re-reads on refresh', async () => {
    const { app, journal } = await conversationApp([{ text: 'from a web page' }, { text: 'fine' }]);
    const tainted = await app.ask({ text: 'what does the page say', agent: 'assistant' });
    // Recorded as if the run had read an untrusted page.
    const stored = await journal.getRun(tainted.id);
    const source = new ConversationContextSource((runId) =>
      Promise.resolve(
        runId === tainted.id && stored
          ? { ...stored, outcome: { ...stored.outcome!, tainted: ['https://example.org/page'] } }
          : undefined,
      ),
    );
    const [item] = await source.candidates({ followsRunId: tainted.id, counter });
    expect(item?.provenance.trust).toBe('untrusted');
    expect(await source.candidates({ followsRunId: 'run_gone', counter })).toEqual([]);
    expect(await source.refresh(item!, [], counter)).toMatchObject({ state: 'fresh' });
    const gone = new ConversationContextSource(() => Promise.resolve(undefined));
    expect(await gone.refresh(item!, [], counter)).toEqual({ state: 'gone' });
    // A run that (wrongly) follows itself is read once.
    const looping = new ConversationContextSource((runId) =>
      Promise.resolve(
        stored ? { ...stored, id: runId, task: { ...stored.task, followsRunId: runId } } : undefined,
      ),
    );
    expect(await looping.candidates({ followsRunId: 'run_x', counter })).toHaveLength(1);
  });
});
