import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentProfiles } from './load-agent-profiles.ts';
import { loadOutOfScopeExamples } from './out-of-scope-examples.ts';
import { createRouter } from './router.ts';
import { evaluateRouting, parseRoutingJsonl } from './routing-evaluation.ts';

const root = path.resolve(import.meta.dirname, '../..');
const profiles = loadAgentProfiles(path.join(root, 'agents'));
const read = (file: string) =>
  parseRoutingJsonl(fs.readFileSync(path.join(root, 'eval/routing', file), 'utf8'), 'labeled');
const main = read('default-roster.jsonl');
const holdout = read('default-roster-holdout.jsonl');
const blind = read('default-roster-blind.jsonl');
/** Border requests by other authors (another agent's topic, this agent's kind of work): a development set. */
const borders = read('default-roster-borders.jsonl');
/** Out-of-scope requests by a second author, used to choose `maxOutOfScope`; never trained on. */
const outOfScopeDev = read('out-of-scope-dev.jsonl');
const outOfScopeTraining = loadOutOfScopeExamples();

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);
}
function trigrams(text: string): Set<string> {
  const joined = (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).join(' ');
  return new Set(
    Array.from({ length: Math.max(0, joined.length - 2) }, (_, index) => joined.slice(index, index + 3)),
  );
}
function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  // Sets this different in size cannot reach the 0.6 that counts as too close: skip the count.
  if (Math.min(a.size, b.size) < 0.6 * Math.max(a.size, b.size)) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared || 1);
}

/** "request ~ text" for each request whose words or character trigrams overlap a text's by ≥ 0.6 (Jaccard). */
function tooClose(rows: ReadonlyArray<{ readonly text: string }>, texts: readonly string[]): string[] {
  const prepared = texts.map((text) => ({ text, words: words(text), trigrams: trigrams(text) }));
  const found: string[] = [];
  for (const row of rows) {
    const rowWords = words(row.text);
    const rowTrigrams = trigrams(row.text);
    for (const other of prepared)
      if (Math.max(jaccard(rowWords, other.words), jaccard(rowTrigrams, other.trigrams)) >= 0.6)
        found.push(`${row.text} ~ ${other.text}`);
  }
  return found;
}

/** One trained router for the quality checks (training the default roster takes seconds). */
let trained: ReturnType<typeof createRouter> | undefined;
const router = (): ReturnType<typeof createRouter> => (trained ??= createRouter({ agents: profiles }));

describe('the routing eval sets', () => {
  const names = new Set(profiles.map((profile) => profile.name));

  it('cover every default agent with at least 8 requests and hold at least 40 out-of-scope ones', () => {
    expect(main.length).toBeGreaterThanOrEqual(400);
    expect(main.filter((row) => row.agent === null).length).toBeGreaterThanOrEqual(40);
    for (const name of names)
      expect(main.filter((row) => row.agent === name).length, name).toBeGreaterThanOrEqual(8);
    for (const row of [...main, ...holdout, ...blind, ...borders])
      if (row.agent !== null) expect(names.has(row.agent), row.agent).toBe(true);
  });

  it('share no request with each other or with the agents’ own examples (not even nearly)', () => {
    const examples = profiles.flatMap((profile) => profile.examples);
    expect(tooClose([...main, ...holdout, ...blind, ...borders], examples)).toEqual([]);
    expect(tooClose(outOfScopeDev, [...examples, ...outOfScopeTraining])).toEqual([]);
    expect(outOfScopeDev.length).toBeGreaterThanOrEqual(150);
    expect(outOfScopeDev.every((row) => row.agent === null)).toBe(true);
    const mainTexts = new Set(main.map((row) => row.text.toLowerCase()));
    expect(holdout.filter((row) => mainTexts.has(row.text.toLowerCase()))).toEqual([]);
    expect(blind.filter((row) => mainTexts.has(row.text.toLowerCase()))).toEqual([]);
    expect(borders.filter((row) => mainTexts.has(row.text.toLowerCase()))).toEqual([]);
  });

  it('have four independent annotations of the shipped set, line by line, naming only roster agents', () => {
    const folder = path.join(root, 'eval/routing/annotations');
    const files = fs.readdirSync(folder).filter((file) => file.endsWith('.jsonl'));
    expect(files).toHaveLength(4);
    for (const file of files) {
      const rows = fs
        .readFileSync(path.join(folder, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(
          (line) => JSON.parse(line) as { text: string; agent: string | null; also: Array<string | null> },
        );
      expect(
        rows.map((row) => row.text),
        file,
      ).toEqual(main.map((row) => row.text));
      for (const row of rows)
        for (const answer of [row.agent, ...row.also])
          if (answer !== null) expect(names.has(answer), `${file}: ${answer}`).toBe(true);
    }
  });

  it('the offline ranker keeps its measured quality on the blind set (floors a little under decision 0004)', () => {
    const report = evaluateRouting(router(), blind);
    expect(report.answerable.accuracy).toBeGreaterThanOrEqual(0.87);
    expect(report.outOfScope.abstainedRate).toBeGreaterThanOrEqual(0.72);
    expect(report.answerable.abstainedRate).toBeLessThanOrEqual(0.06);
  });

  it('the offline ranker keeps its measured quality on the holdout set (floors a little under decision 0004)', () => {
    const report = evaluateRouting(router(), holdout);
    expect(report.answerable.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.outOfScope.abstainedRate).toBeGreaterThanOrEqual(0.95);
    expect(report.answerable.abstainedRate).toBeLessThanOrEqual(0.1);
    expect(report.calibration.meanConfidenceCorrect).toBeGreaterThan(
      report.calibration.meanConfidenceIncorrect + 0.15,
    );
  });

  it('the offline ranker keeps its measured quality on the shipped set and the development sets', () => {
    const shipped = evaluateRouting(router(), main);
    expect(shipped.answerable.accuracy).toBeGreaterThanOrEqual(0.87);
    expect(shipped.outOfScope.abstainedRate).toBeGreaterThanOrEqual(0.9);
    expect(shipped.answerable.abstainedRate).toBeLessThanOrEqual(0.05);
    expect(evaluateRouting(router(), borders).answerable.accuracy).toBeGreaterThanOrEqual(0.74);
    expect(evaluateRouting(router(), outOfScopeDev).outOfScope.abstainedRate).toBeGreaterThanOrEqual(0.8);
  });
});
