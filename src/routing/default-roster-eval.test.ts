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
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared || 1);
}

describe('the routing eval sets', () => {
  const names = new Set(profiles.map((profile) => profile.name));

  it('cover every default agent with at least 8 requests and hold at least 40 out-of-scope ones', () => {
    expect(main.length).toBeGreaterThanOrEqual(400);
    expect(main.filter((row) => row.agent === null).length).toBeGreaterThanOrEqual(40);
    for (const name of names)
      expect(main.filter((row) => row.agent === name).length, name).toBeGreaterThanOrEqual(8);
    for (const row of [...main, ...holdout, ...blind])
      if (row.agent !== null) expect(names.has(row.agent), row.agent).toBe(true);
  });

  it('share no request with each other or with the agents’ own examples (not even nearly)', () => {
    const examples = profiles.flatMap((profile) =>
      profile.examples.map((example) => ({ example, words: words(example), trigrams: trigrams(example) })),
    );
    const tooClose: string[] = [];
    for (const row of [...main, ...holdout, ...blind]) {
      const rowWords = words(row.text);
      const rowTrigrams = trigrams(row.text);
      for (const example of examples) {
        const similarity = Math.max(jaccard(rowWords, example.words), jaccard(rowTrigrams, example.trigrams));
        if (similarity >= 0.6) tooClose.push(`${row.text} ~ ${example.example}`);
      }
    }
    expect(tooClose).toEqual([]);
    const training = [
      ...examples,
      ...outOfScopeTraining.map((example) => ({
        example,
        words: words(example),
        trigrams: trigrams(example),
      })),
    ];
    const outOfScopeTooClose: string[] = [];
    for (const row of outOfScopeDev) {
      const rowWords = words(row.text);
      const rowTrigrams = trigrams(row.text);
      for (const example of training)
        if (Math.max(jaccard(rowWords, example.words), jaccard(rowTrigrams, example.trigrams)) >= 0.6)
          outOfScopeTooClose.push(`${row.text} ~ ${example.example}`);
    }
    expect(outOfScopeTooClose).toEqual([]);
    expect(outOfScopeDev.length).toBeGreaterThanOrEqual(150);
    expect(outOfScopeDev.every((row) => row.agent === null)).toBe(true);
    const mainTexts = new Set(main.map((row) => row.text.toLowerCase()));
    expect(holdout.filter((row) => mainTexts.has(row.text.toLowerCase()))).toEqual([]);
    expect(blind.filter((row) => mainTexts.has(row.text.toLowerCase()))).toEqual([]);
  });

  it('the offline ranker keeps its measured quality on the blind set (floors a little under decision 0004)', () => {
    const report = evaluateRouting(createRouter({ agents: profiles }), blind);
    expect(report.answerable.accuracy).toBeGreaterThanOrEqual(0.76);
    expect(report.outOfScope.abstainedRate).toBeGreaterThanOrEqual(0.7);
    expect(report.answerable.abstainedRate).toBeLessThanOrEqual(0.08);
  });

  it('the offline ranker keeps its measured quality on the holdout set (floors a little under decision 0004)', () => {
    const report = evaluateRouting(createRouter({ agents: profiles }), holdout);
    expect(report.answerable.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(report.outOfScope.abstainedRate).toBeGreaterThanOrEqual(0.95);
    expect(report.answerable.abstainedRate).toBeLessThanOrEqual(0.1);
    expect(report.calibration.meanConfidenceCorrect).toBeGreaterThan(
      report.calibration.meanConfidenceIncorrect + 0.15,
    );
  });
});
