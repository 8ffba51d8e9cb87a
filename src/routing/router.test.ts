import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentFile } from '../agents/parse-agent-file.ts';
import { NovaError } from '../domain/nova-error.ts';
import { createRouter, parseMention } from './router.ts';
import { evaluateRouting, parseRoutingJsonl } from './routing-evaluation.ts';

const roster = [
  {
    name: 'translator',
    title: 'Translator',
    description: 'Translates text between languages such as German, French and Spanish.',
    examples: [
      'translate this email into German',
      'what does this French letter say in English',
      'put the manual into Spanish',
    ],
  },
  {
    name: 'erp-accounting',
    title: 'ERP Accounting',
    description: 'Ledger, VAT, bank reconciliation and month-end close in the ERP.',
    examples: [
      'reconcile the bank account for October',
      'why does the VAT report not match the ledger',
      'prepare the month-end close',
    ],
  },
  {
    name: 'reminders',
    title: 'Reminders',
    description: 'Sets reminders at a given time, once or repeating.',
    examples: [
      'remind me tomorrow at 9 to call the bank',
      'every Monday remind me to send invoices',
      'what reminders do I have',
    ],
  },
];

describe('router strategies', () => {
  const router = createRouter({
    agents: roster,
    rules: [
      { agent: 'erp-accounting', keywords: ['year-end audit'] },
      { agent: 'translator', project: 'intl' },
    ],
  });

  it('an explicit --agent decides with certainty; an unknown one is an error with a suggestion', () => {
    expect(router.route({ text: 'anything', agent: 'reminders' })).toMatchObject({
      kind: 'decision',
      agent: 'reminders',
      confidence: 1,
      strategy: 'explicit',
    });
    expect(() => router.route({ text: 'x', agent: 'translater' })).toThrow(
      /unknown agent "translater"\. Did you mean "translator"\?/,
    );
  });

  it('an @mention decides; an unknown mention is ignored with a reason', () => {
    expect(parseMention('@erp-accounting, why is VAT off')).toEqual({
      agent: 'erp-accounting',
      text: 'why is VAT off',
    });
    expect(router.route({ text: '@reminders call mum' })).toMatchObject({
      agent: 'reminders',
      strategy: 'explicit',
    });
    const unknown = router.route({ text: '@nobody translate this letter into German please' });
    expect(unknown).toMatchObject({ kind: 'decision', agent: 'translator' });
    expect(unknown.reasons[0]).toContain('@nobody is not an agent');
  });

  it('config rules come before the ranker: keywords as whole phrases, and projects', () => {
    expect(router.route({ text: 'prepare the Year-End Audit binder' })).toMatchObject({
      agent: 'erp-accounting',
      strategy: 'rule',
    });
    const near = router.route({ text: 'prepare the year-end auditing binder' });
    expect(near.kind === 'decision' ? near.strategy : 'clarification').not.toBe('rule');
    expect(router.route({ text: 'remind me at 5', projectId: 'intl' })).toMatchObject({
      agent: 'translator',
      strategy: 'rule',
    });
    expect(() => createRouter({ agents: roster, rules: [{ agent: 'ghost', keywords: ['x'] }] })).toThrow(
      /unknown agent "ghost"/,
    );
  });

  it('the ranker picks the closest agent and says why, with alternatives', () => {
    const result = router.route({ text: 'can you translate the contract into French' });
    expect(result).toMatchObject({ kind: 'decision', agent: 'translator', strategy: 'ranker' });
    if (result.kind !== 'decision') return;
    expect(result.alternatives.length).toBeGreaterThan(0);
    expect(result.reasons[0]).toContain('ranker');
  });

  it('asks instead of guessing when the request is out of scope or too vague', () => {
    const outside = router.route({ text: 'order a pepperoni pizza with extra cheese' });
    expect(outside).toMatchObject({
      kind: 'clarification',
      question: expect.stringContaining('None of Nova'),
    });
    const empty = createRouter({ agents: [] }).route({ text: 'anything' });
    expect(empty).toMatchObject({ kind: 'clarification', question: expect.stringContaining('No agents') });
  });
});

describe('routing on the shipped roster and eval set', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const agents = fs.readdirSync(path.join(root, 'agents')).map(
    (file) =>
      parseAgentFile(fs.readFileSync(path.join(root, 'agents', file), 'utf8'), file, {
        availableTools: new Set(),
      }).agent!,
  );
  const router = createRouter({ agents });
  const labeled = parseRoutingJsonl(
    fs.readFileSync(path.join(root, 'eval/routing/default-roster.jsonl'), 'utf8'),
    'labeled',
  );
  const report = evaluateRouting(router, labeled);

  it('keeps its measured quality (floors a little under the figures in the README)', () => {
    expect(labeled.length).toBeGreaterThanOrEqual(400);
    expect(report.answerable.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(report.outOfScope.abstainedRate).toBeGreaterThanOrEqual(0.93);
    expect(report.answerable.abstainedRate).toBeLessThanOrEqual(0.06);
  });

  it('is more confident when it is right than when it is wrong', () => {
    const confidences = { right: [] as number[], wrong: [] as number[] };
    for (const request of labeled) {
      if (!request.agent) continue;
      const result = router.route({ text: request.text });
      if (result.kind !== 'decision') continue;
      (result.agent === request.agent ? confidences.right : confidences.wrong).push(result.confidence);
    }
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(confidences.right)).toBeGreaterThan(mean(confidences.wrong) + 0.1);
  });

  it('asks about a vague request and does not guess on an out-of-scope one', () => {
    expect(router.route({ text: 'help me with the thing' }).kind).toBe('clarification');
    expect(router.route({ text: "what's the score of the football match tonight" }).kind).toBe(
      'clarification',
    );
    expect(router.route({ text: 'translate this' })).toMatchObject({ kind: 'decision', agent: 'translator' });
  });
});

describe('parseRoutingJsonl', () => {
  it('reads labelled and request lines, skipping blank lines', () => {
    expect(parseRoutingJsonl('{"text":"a","agent":"x"}\n\n{"text":"b","agent":null}\n', 'labeled')).toEqual([
      { text: 'a', agent: 'x' },
      { text: 'b', agent: null },
    ]);
    expect(parseRoutingJsonl('{"id":"r1","text":"a"}\n{"text":"b"}', 'requests')).toEqual([
      { id: 'r1', text: 'a' },
      { id: 2, text: 'b' },
    ]);
  });

  it('names the line of every problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"text":"a","agent":"x"}\n{"text": ', /^line 2: not valid JSON/],
      ['{"text":"a","agent":"x"}\n\n[1,2]', /^line 3: expected a JSON object/],
      ['{"agent":"x"}', /^line 1: field `text` must be a non-empty string/],
      ['{"text":"a"}', /^line 1: field `agent` must be an agent name or null/],
      ['{"text":"a","agent":7}', /^line 1: field `agent`/],
    ];
    for (const [text, message] of cases) {
      const error = (() => {
        try {
          parseRoutingJsonl(text, 'labeled');
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(NovaError.is(error, 'BAD_REQUEST')).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});
