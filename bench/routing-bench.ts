/**
 * Routing speed: start-up training time, p50/p99 decision latency with the 34 default agents
 * and with 150 (the default roster plus 116 synthesised agents), and bulk decisions per second.
 * Standalone: `npx node bench/routing-bench.ts [--json]`. Figures are from one process on a
 * shared machine; compare them within one run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { AgentProfile } from '../src/routing/agent-profile.ts';
import { loadAgentProfiles } from '../src/routing/load-agent-profiles.ts';
import { createRouter, type Router } from '../src/routing/router.ts';

const repositoryRoot = path.resolve(import.meta.dirname, '..');

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

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
  const large = timed(() => createRouter({ agents: roster150 }));
  const huge = timed(() => createRouter({ agents: roster500 }));
  const small34 = latencies(small.value, texts, 5);
  const large150 = latencies(large.value, texts, 5);
  const huge500 = latencies(huge.value, texts, 2);

  const bulkRequests = 20_000;
  const bulk = timed(() => {
    for (let index = 0; index < bulkRequests; index++)
      large.value.route({ text: texts[index % texts.length] ?? '' });
  });
  return {
    agents34TrainMs: small.ms,
    agents34P50Ms: small34.p50,
    agents34P99Ms: small34.p99,
    agents150TrainMs: large.ms,
    agents150P50Ms: large150.p50,
    agents150P99Ms: large150.p99,
    agents150BulkDecisionsPerSecond: bulkRequests / (bulk.ms / 1000),
    agents500TrainMs: huge.ms,
    agents500P50Ms: huge500.p50,
    agents500P99Ms: huge500.p99,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
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
