/**
 * Routing speed: start-up training time (in-process, and in a worker thread with this thread's
 * longest stall meanwhile), p50/p99 decision latency with the 34 default agents
 * and with 150 (the default roster plus 116 synthesised agents), and bulk decisions per second.
 * Standalone: `npx node bench/routing-bench.ts [--json]`. Figures are from one process on a
 * shared machine; compare them within one run.
 *
 * `--quality` instead prints the ranker method comparison and the router's figures on the eval
 * sets (development half = even lines of default-roster.jsonl, test half = odd lines, and the
 * separate holdout set), as reported in docs/decisions/0004-routing-ranker.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createFileRankerCache } from '../src/adapters/fs/file-ranker-cache.ts';
import { createWorkerRankerTrainer } from '../src/adapters/workers/worker-ranker-trainer.ts';
import { gloveEmbedder } from '../src/adapters/models/embedders.ts';
import { createEmbeddingStrategy } from '../src/routing/embedding-strategy.ts';
import type { AgentProfile } from '../src/routing/agent-profile.ts';
import { loadAgentProfiles } from '../src/routing/load-agent-profiles.ts';
import { OfflineRanker, type OfflineRankerOptions } from '../src/routing/offline-ranker.ts';
import { createRouter, type Router } from '../src/routing/router.ts';
import {
  evaluateRouting,
  parseRoutingJsonl,
  type LabeledRequest,
} from '../src/routing/routing-evaluation.ts';
import { defaultFeatureOptions } from '../src/routing/text-features.ts';
import { defaultSoftmaxRegressionOptions } from '../src/routing/softmax-regression.ts';
import { loadWordVectors } from '../src/routing/word-vectors.ts';
import { seededRandom } from '../src/domain/seeded-random.ts';

const repositoryRoot = path.resolve(import.meta.dirname, '..');

const subjects = [
  'payroll',
  'fleet',
  'warranty',
  'travel expense',
  'helpdesk',
  'contract',
  'asset',
  'energy',
  'quality audit',
  'recruiting',
  'event',
  'license',
  'shipping',
  'subscription',
  'pricing',
  'tender',
  'facility',
  'training',
  'compliance',
  'marketing campaign',
  'customer survey',
  'field service',
  'returns',
  'loyalty programme',
  'translation memory',
  'data warehouse',
  'mobile app',
  'API gateway',
  'search index',
  'backup',
  'calendar',
  'newsletter',
  'grant application',
  'insurance claim',
  'tax filing',
  'timesheet',
  'project budget',
  'podcast',
  'knowledge base',
  'onboarding',
];
const roles = ['analyst', 'planner', 'checker', 'writer', 'coordinator', 'auditor', 'advisor'];
const verbs = [
  'review',
  'prepare',
  'check',
  'summarise',
  'plan',
  'compare',
  'update',
  'explain',
  'list',
  'draft',
  'fix',
  'track',
];
const objects = [
  'the monthly figures',
  'open items',
  "last week's changes",
  'the new policy',
  'overdue cases',
  'the cost per unit',
  'the draft',
  'the schedule',
  'supplier quotes',
  'the exceptions report',
  'duplicate records',
  'the approval flow',
];
const qualifiers = [
  'for Acme',
  'for the Globex client',
  'before Friday',
  'for the steering meeting',
  'in the EU entity',
  'this quarter',
];

/** 116 plausible agents from a fixed seed, so every run benchmarks the same roster. */
export function synthesiseAgents(count: number, seed = 42): AgentProfile[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, index) => {
    const subject = subjects[index % subjects.length] ?? 'general';
    const role = roles[Math.floor(index / subjects.length) % roles.length] ?? 'helper';
    const name = `${subject.replaceAll(' ', '-').toLowerCase()}-${role}-${index}`;
    return {
      name,
      description: `Handles ${subject} work as a ${role}: ${pick(verbs)}s ${pick(objects)} and ${pick(verbs)}s ${pick(objects)} for ${subject} questions.`,
      examples: Array.from(
        { length: 12 },
        () => `${pick(verbs)} ${pick(objects)} of the ${subject} ${pick(qualifiers)}`,
      ),
    };
  });
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

function latencies(router: Router, texts: readonly string[], rounds: number): { p50: number; p99: number } {
  for (const text of texts) router.route({ text }); // warm-up: JIT and stem caches
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const text of texts) {
      const started = performance.now();
      router.route({ text });
      samples.push(performance.now() - started);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

export async function runRoutingBench(): Promise<Record<string, number>> {
  const defaults = loadAgentProfiles(path.join(repositoryRoot, 'agents'));
  const texts = fs
    .readFileSync(path.join(repositoryRoot, 'eval/routing/default-roster.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { text: string }).text);
  const roster150 = [...defaults, ...synthesiseAgents(150 - defaults.length)];
  const roster500 = [...defaults, ...synthesiseAgents(500 - defaults.length, 7)];

  const small = timed(() => createRouter({ agents: defaults }));
  // What a CLI process pays once the trained ranker is in Nova's cache (createFileRankerCache).
  const cacheDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-bench-cache-'));
  const cache = createFileRankerCache(cacheDirectory);
  createRouter({ agents: defaults, cache });
  const restored = timed(() => createRouter({ agents: defaults, cache }));
  fs.rmSync(cacheDirectory, { recursive: true, force: true });
  // What `nova start` does instead: train in a worker thread. This thread's longest stall while
  // it trains is what every other request to the server would wait at most (in-process, the
  // whole training time).
  const trainer = createWorkerRankerTrainer({});
  let longestStall = 0;
  let last = performance.now();
  const ticking = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - last);
    last = now;
  }, 1);
  const inWorker = performance.now();
  await trainer.train({ agents: defaults });
  const workerMs = performance.now() - inWorker;
  clearInterval(ticking);
  longestStall = Math.max(longestStall, performance.now() - last);
  const large = timed(() => createRouter({ agents: roster150 }));
  const huge = timed(() => createRouter({ agents: roster500 }));
  const small34 = latencies(small.value, texts, 5);
  const large150 = latencies(large.value, texts, 5);
  const huge500 = latencies(huge.value, texts, 2);

  const bulkRequests = 20_000;
  const bulkWith = (router: Router) =>
    timed(() => {
      for (let index = 0; index < bulkRequests; index++)
        router.route({ text: texts[index % texts.length] ?? '' });
    });
  const bulk = bulkWith(large.value);
  // The same roster without the second look at unsure rankings, for the ratio in one run.
  const plain = createRouter({ agents: roster150, ranker: { rerankCandidates: 0 } });
  for (const text of texts) plain.route({ text });
  const bulkPlain = bulkWith(plain);
  return {
    agents34TrainMs: small.ms,
    agents34RestoreFromCacheMs: restored.ms,
    agents34WorkerTrainMs: workerMs,
    agents34WorkerLongestStallMs: longestStall,
    agents34P50Ms: small34.p50,
    agents34P99Ms: small34.p99,
    agents150TrainMs: large.ms,
    agents150P50Ms: large150.p50,
    agents150P99Ms: large150.p99,
    agents150BulkDecisionsPerSecond: bulkRequests / (bulk.ms / 1000),
    agents150BulkWithoutSecondLookDecisionsPerSecond: bulkRequests / (bulkPlain.ms / 1000),
    agents500TrainMs: huge.ms,
    agents500P50Ms: huge500.p50,
    agents500P99Ms: huge500.p99,
  };
}

function readLabeled(file: string): LabeledRequest[] {
  return parseRoutingJsonl(
    fs.readFileSync(path.join(repositoryRoot, 'eval/routing', file), 'utf8'),
    'labeled',
  );
}

/** The blind set is optional while it is being written; the others are not. */
function readLabeledIfPresent(file: string): LabeledRequest[] {
  return fs.existsSync(path.join(repositoryRoot, 'eval/routing', file)) ? readLabeled(file) : [];
}

/** The regression without its hidden layer: the linear model the shipped one adds the layer to. */
const linear = { regression: { ...defaultSoftmaxRegressionOptions, hiddenUnits: 0 }, rerankCandidates: 0 };

const rankerMethods: ReadonlyArray<readonly [string, OfflineRankerOptions]> = [
  [
    'similarity, words + pairs',
    { method: 'similarity', features: { ...defaultFeatureOptions, conceptWeight: 0, leadWeight: 0 } },
  ],
  ['similarity, + lexicon + lead', { method: 'similarity' }],
  [
    'linear regression, words + pairs',
    { ...linear, features: { ...defaultFeatureOptions, conceptWeight: 0, leadWeight: 0 } },
  ],
  ['linear regression, + lexicon', { ...linear, features: { ...defaultFeatureOptions, leadWeight: 0 } }],
  ['linear regression, + lexicon + lead', linear],
  [
    'linear regression, + lexicon + lead + char 4-grams',
    { ...linear, features: { ...defaultFeatureOptions, characterWeight: 0.4 } },
  ],
  ['linear regression, + lexicon + lead + word vectors', { ...linear, wordVectors: loadWordVectors() }],
  [
    'linear regression, words + pairs + word vectors',
    {
      ...linear,
      wordVectors: loadWordVectors(),
      features: { ...defaultFeatureOptions, conceptWeight: 0, leadWeight: 0 },
    },
  ],
  [
    'regression + hidden layer, + lexicon + lead + word vectors',
    { wordVectors: loadWordVectors(), rerankCandidates: 0 },
  ],
  ['same + second look at unsure rankings (shipped)', { wordVectors: loadWordVectors() }],
];

/** Top-1 accuracy of each ranker method (no abstention), by 4-fold cross-validation on the agents' examples and on the eval sets. */
export function compareRankerMethods(): Array<Record<string, string | number>> {
  const profiles = loadAgentProfiles(path.join(repositoryRoot, 'agents'));
  const main = readLabeled('default-roster.jsonl').filter((row) => row.agent !== null);
  const sets = {
    dev: main.filter((_, index) => index % 2 === 0),
    test: main.filter((_, index) => index % 2 === 1),
    holdout: readLabeled('default-roster-holdout.jsonl').filter((row) => row.agent !== null),
    blind: readLabeledIfPresent('default-roster-blind.jsonl').filter((row) => row.agent !== null),
    borders: readLabeled('default-roster-borders.jsonl'),
  };
  const topOne = (ranker: OfflineRanker, rows: readonly LabeledRequest[]): number =>
    rows.filter((row) => ranker.rank(row.text, 1).candidates[0]?.agent === row.agent).length / rows.length;
  return rankerMethods.map(([method, options]) => {
    const folds = 4;
    let correct = 0;
    let total = 0;
    for (let fold = 0; fold < folds; fold++) {
      const training = profiles.map((profile) => ({
        ...profile,
        examples: profile.examples.filter((_, index) => index % folds !== fold),
      }));
      const ranker = new OfflineRanker(training, { ...options, temperature: 1 });
      for (const profile of profiles) {
        profile.examples.forEach((example, index) => {
          if (index % folds !== fold) return;
          total += 1;
          if (ranker.rank(example, 1).candidates[0]?.agent === profile.name) correct += 1;
        });
      }
    }
    const trained = timed(() => new OfflineRanker(profiles, options));
    return {
      method,
      crossValidation: correct / total,
      dev: topOne(trained.value, sets.dev),
      test: topOne(trained.value, sets.test),
      holdout: topOne(trained.value, sets.holdout),
      ...(sets.blind.length > 0 ? { blind: topOne(trained.value, sets.blind) } : {}),
      borders: topOne(trained.value, sets.borders),
      trainMs: trained.ms,
    };
  });
}

/** The shipped router (default thresholds) on each eval set. */
export function routerQuality(): Record<string, ReturnType<typeof evaluateRouting>> {
  const blind = readLabeledIfPresent('default-roster-blind.jsonl');
  const router = createRouter({ agents: loadAgentProfiles(path.join(repositoryRoot, 'agents')) });
  const main = readLabeled('default-roster.jsonl');
  return {
    dev: evaluateRouting(
      router,
      main.filter((_, index) => index % 2 === 0),
    ),
    test: evaluateRouting(
      router,
      main.filter((_, index) => index % 2 === 1),
    ),
    whole: evaluateRouting(router, main),
    holdout: evaluateRouting(router, readLabeled('default-roster-holdout.jsonl')),
    ...(blind.length > 0 ? { blind: evaluateRouting(router, blind) } : {}),
    borders: evaluateRouting(router, readLabeled('default-roster-borders.jsonl')),
    oosDev: evaluateRouting(router, readLabeled('out-of-scope-dev.jsonl')),
  };
}

interface Annotation {
  readonly text: string;
  readonly agent: string | null;
  /** Answers the annotator found about equally right. */
  readonly also: ReadonlyArray<string | null>;
}

/** The four independent annotations of default-roster.jsonl (eval/routing/annotations/README.md). */
export function readAnnotations(): Annotation[][] {
  const folder = path.join(repositoryRoot, 'eval/routing/annotations');
  return fs
    .readdirSync(folder)
    .filter((file) => /^default-roster\.annotator-[a-z]\.jsonl$/.test(file))
    .sort()
    .map((file) =>
      fs
        .readFileSync(path.join(folder, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Annotation),
    );
}

/**
 * How the shipped router's answers compare with independent readers of the agents' descriptions
 * on the shipped set: each annotator's agreement with the labels (a ceiling for any router that
 * reads descriptions), and the router's accuracy when an answer at least two of the four
 * annotators gave or accepted counts as right besides the label. `null` is abstaining.
 */
export function annotatorStudy(): Record<string, number> {
  const main = readLabeled('default-roster.jsonl');
  const annotations = readAnnotations();
  const router = createRouter({ agents: loadAgentProfiles(path.join(repositoryRoot, 'agents')) });
  const figures: Record<string, number> = {};
  const answerable = main.flatMap((row, index) => (row.agent === null ? [] : [{ row, index }]));
  annotations.forEach((rows, number) => {
    const name = String.fromCharCode(97 + number);
    figures[`annotator ${name} agrees (answerable)`] =
      answerable.filter(({ row, index }) => rows[index]?.agent === row.agent).length / answerable.length;
  });
  let strict = 0;
  let accepted = 0;
  for (const { row, index } of answerable) {
    const decision = router.route({ text: row.text });
    const answer = decision.kind === 'decision' ? decision.agent : null;
    if (answer === row.agent) strict += 1;
    const accepting = annotations.filter((rows) => {
      const annotation = rows[index];
      return annotation !== undefined && (annotation.agent === answer || annotation.also.includes(answer));
    }).length;
    if (answer === row.agent || accepting >= 2) accepted += 1;
  }
  figures['router accuracy (labels)'] = strict / answerable.length;
  figures['router accuracy (labels or ≥2 annotators accept)'] = accepted / answerable.length;
  return figures;
}

/**
 * The chain with the embedding strategy (offline glove:50k embedder) after the ranker, on each
 * eval set: what `routing.embeddingModel` adds where the ranker was unsure.
 */
export async function routerWithEmbeddingQuality(): Promise<
  Record<string, ReturnType<typeof evaluateRouting>>
> {
  const agents = loadAgentProfiles(path.join(repositoryRoot, 'agents'));
  const router = createRouter({
    agents,
    extraStrategies: [createEmbeddingStrategy({ embedder: gloveEmbedder('50k'), profiles: agents })],
  });
  const main = readLabeled('default-roster.jsonl');
  const sets: Record<string, LabeledRequest[]> = {
    dev: main.filter((_, index) => index % 2 === 0),
    test: main.filter((_, index) => index % 2 === 1),
    whole: main,
    holdout: readLabeled('default-roster-holdout.jsonl'),
    blind: readLabeledIfPresent('default-roster-blind.jsonl'),
  };
  const reports: Record<string, ReturnType<typeof evaluateRouting>> = {};
  for (const [name, rows] of Object.entries(sets)) {
    if (rows.length === 0) continue;
    const answers = new Map<string, Awaited<ReturnType<typeof router.routeAsync>>>();
    for (const row of rows) answers.set(row.text, await router.routeAsync({ text: row.text }));
    reports[name] = evaluateRouting(
      {
        route: (input) => {
          const answer = answers.get(input.text);
          if (!answer) throw new Error(`no answer for ${input.text}`);
          return answer;
        },
      },
      rows,
    );
  }
  return reports;
}

if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv.includes('--quality')
) {
  const format = (value: string | number): string => (typeof value === 'number' ? value.toFixed(3) : value);
  for (const row of compareRankerMethods()) {
    process.stdout.write(
      `${Object.entries(row)
        .map(([key, value]) => `${key} ${format(value)}`)
        .join(' | ')}\n`,
    );
  }
  for (const [name, value] of Object.entries(annotatorStudy()))
    process.stdout.write(`${name.padEnd(50)} ${format(value)}\n`);
  const withEmbedding = Object.entries(await routerWithEmbeddingQuality()).map(
    ([name, report]) => [`${name}+emb`, report] as const,
  );
  for (const [name, report] of [...Object.entries(routerQuality()), ...withEmbedding]) {
    process.stdout.write(
      `${name.padEnd(8)} accuracy ${format(report.answerable.accuracy)} (${report.answerable.correct}/${report.answerable.total}) · decided ${format(report.decidedAccuracy)} · out of scope abstained ${format(report.outOfScope.abstainedRate)} (${report.outOfScope.abstained}/${report.outOfScope.total}) · answerable abstained ${format(report.abstainedOnAnswerableRate)} · abstention precision ${format(report.abstentionPrecision)} · ECE ${format(report.calibration.expectedCalibrationError)} · confidence right/wrong ${format(report.calibration.meanConfidenceCorrect)}/${format(report.calibration.meanConfidenceIncorrect)}\n`,
    );
  }
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runRoutingBench();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } else {
    for (const [name, value] of Object.entries(figures)) {
      process.stdout.write(
        `${name.padEnd(34)} ${value >= 100 ? Math.round(value).toString() : value.toFixed(3)}\n`,
      );
    }
  }
}
