import { Command, InvalidArgumentError } from 'commander';
import type { MemoryItem, MemoryKind } from '../../../ports/memory-store.ts';
import { shorten, table } from '../format.ts';
import type { CommandContext } from '../main.ts';

const ownerKinds = ['fact', 'decision', 'preference', 'episode'] as const;

function kind(value: string): MemoryKind {
  if (!(ownerKinds as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${ownerKinds.join(', ')}`);
  return value as MemoryKind;
}

function citation(item: MemoryItem): string {
  return item.location
    ? `${item.location.projectId}:${item.location.path}:${item.location.startLine}-${item.location.endLine}`
    : item.id;
}

function describe(item: MemoryItem): string {
  return [
    `${item.id}  ${item.kind}  ${item.scope}${item.key ? `  key ${item.key}` : ''}`,
    `  ${item.text}`,
    `  from ${item.provenance.sourceUri} by ${item.provenance.author}, ${item.validFrom}${item.provenance.trust === 'untrusted' ? ', untrusted' : ''}, confidence ${item.confidence}`,
    ...(item.supersedes ? [`  supersedes ${item.supersedes}`] : []),
    ...(item.validUntil
      ? [
          `  no longer valid since ${item.validUntil}${item.supersededBy ? `: superseded by ${item.supersededBy}` : ''}`,
        ]
      : []),
  ].join('\n');
}

export function memoryCommands(context: CommandContext): Command[] {
  const memory = new Command('memory').description(
    'what Nova remembers: facts, decisions, preferences, with where they came from',
  );
  memory
    .command('add')
    .description(
      'remember something; with --key, a later item with the same key supersedes it (history kept)',
    )
    .argument('<text...>')
    .option('--scope <scope>', 'global, project:<id>', 'global')
    .option('--kind <kind>', `${ownerKinds.join(', ')}`, kind, 'fact' as MemoryKind)
    .option('--key <subject>', 'what it is about, e.g. db-engine')
    .option('--tags <tags>', 'comma-separated tags')
    .option('--supersedes <id>', 'an item this one replaces')
    .option('--json', 'print JSON')
    .action(
      async (
        words: string[],
        options: {
          scope: string;
          kind: MemoryKind;
          key?: string;
          tags?: string;
          supersedes?: string;
          json?: boolean;
        },
      ) => {
        const nova = await context.openNova();
        try {
          if (options.scope.startsWith('project:'))
            nova.app.projects.get(options.scope.slice('project:'.length));
          const result = await nova.memory.write({
            scope: options.scope,
            kind: options.kind,
            text: words.join(' '),
            ...(options.key ? { key: options.key } : {}),
            ...(options.tags
              ? {
                  tags: options.tags
                    .split(',')
                    .map((tag) => tag.trim())
                    .filter(Boolean),
                }
              : {}),
            ...(options.supersedes ? { supersedes: options.supersedes } : {}),
            author: 'owner',
            sourceUri: 'cli://owner',
          });
          if (options.json) context.io.writeOut(`${JSON.stringify(result, null, 2)}\n`);
          else if (result.outcome === 'duplicate')
            context.io.writeOut(`Already remembered as ${result.item.id}.\n`);
          else
            context.io.writeOut(
              `Remembered ${result.item.id}${result.previous ? ` (supersedes ${result.previous.id}: "${shorten(result.previous.text, 60)}")` : ''}.\n`,
            );
        } finally {
          await nova.close();
        }
      },
    );
  memory
    .command('list')
    .description('current items, newest first')
    .option('--scope <scope>', 'one scope (default: global and every project)')
    .option('--all', 'also superseded and forgotten items')
    .option('--json', 'print JSON')
    .action(async (options: { scope?: string; all?: boolean; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const scopes = options.scope
          ? [options.scope]
          : ['global', ...nova.app.projects.list().map((project) => `project:${project.id}`)];
        const items = (
          await nova.memory.list({ scopes, limit: 200, includeHistory: options.all === true })
        ).filter((item) => item.kind !== 'document-chunk');
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ items }, null, 2)}\n`);
          return;
        }
        if (items.length === 0) {
          context.io.writeOut(
            'Nothing remembered yet. Try: nova memory add "The Acme go-live is on 1 December" --scope global\n',
          );
          return;
        }
        context.io.writeOut(
          `${table([
            ['ID', 'KIND', 'SCOPE', 'KEY', 'STATE', 'TEXT'],
            ...items.map((item) => [
              item.id,
              item.kind,
              item.scope,
              item.key ?? '-',
              item.validUntil ? 'past' : 'current',
              shorten(item.text, 60),
            ]),
          ])}\n`,
        );
      } finally {
        await nova.close();
      }
    });
  memory
    .command('show')
    .argument('<id>')
    .option('--json', 'print JSON')
    .description('one item with its provenance')
    .action(async (id: string, options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const item = await nova.memory.get(id);
        context.io.writeOut(options.json ? `${JSON.stringify({ item }, null, 2)}\n` : `${describe(item)}\n`);
      } finally {
        await nova.close();
      }
    });
  memory
    .command('forget')
    .argument('<id>')
    .description('end an item: it is no longer retrieved (its history stays)')
    .action(async (id: string) => {
      const nova = await context.openNova();
      try {
        await nova.memory.forget(id);
        context.io.writeOut(`Forgot ${id}.\n`);
      } finally {
        await nova.close();
      }
    });
  memory
    .command('history')
    .argument('<id>')
    .option('--json', 'print JSON')
    .description('what an item superseded and what superseded it, oldest first')
    .action(async (id: string, options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const chain = await nova.memory.history(id);
        context.io.writeOut(
          options.json
            ? `${JSON.stringify({ history: chain }, null, 2)}\n`
            : `${chain.map(describe).join('\n\n')}\n`,
        );
      } finally {
        await nova.close();
      }
    });

  memory
    .command('extract')
    .argument('<run-id>', 'a finished run')
    .option('--json', 'print JSON')
    .description(
      'have the memory-keeper agent pull the facts and decisions worth keeping out of a finished run',
    )
    .action(async (runId: string, options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const { run } = await nova.app.getRun(runId);
        if (run.status !== 'succeeded' || !run.outcome) {
          context.io.writeError(
            `nova: run ${runId} is ${run.status}; only a finished run's outcome can be mined\n`,
          );
          context.setExitCode(12);
          return;
        }
        const output =
          typeof run.outcome.output === 'string' ? run.outcome.output : JSON.stringify(run.outcome.output);
        const extracted = await nova.app.ask({
          agent: 'memory-keeper',
          text: [
            `Extract the facts, decisions and preferences worth remembering from run ${run.id} (agent ${run.agent}) and save each with memory_write (give a key for anything that may change later). Skip guesses.`,
            '',
            `Task: ${run.task.text}`,
            ...(run.task.projectId ? [`Project: ${run.task.projectId}`] : []),
            `Outcome: ${output}`,
            ...(run.outcome.assumptions.length > 0
              ? [`Assumptions (not facts): ${run.outcome.assumptions.map((item) => item.text).join('; ')}`]
              : []),
          ].join('\n'),
          ...(run.task.projectId ? { projectId: run.task.projectId } : {}),
          fresh: true,
        });
        const { steps } = await nova.app.getRun(extracted.id);
        const written = steps.filter(
          (step) => step.kind === 'tool-call' && step.name === 'memory_write' && step.status === 'succeeded',
        );
        if (options.json)
          context.io.writeOut(
            `${JSON.stringify({ run: extracted, written: written.map((step) => step.output) }, null, 2)}\n`,
          );
        else {
          for (const step of written) context.io.writeOut(`${String(step.output)}\n`);
          context.io.writeOut(
            `${written.length} item(s) remembered from ${run.id} (memory-keeper run ${extracted.id}).\n`,
          );
        }
      } finally {
        await nova.close();
      }
    });

  const search = new Command('search')
    .description('search memory and the indexed project files; every hit cites its source')
    .argument('<query...>')
    .option('-p, --project <id>', 'only this project (and global memory)')
    .option('-n, --limit <count>', 'how many hits', (value) => Number(value), 10)
    .option('--json', 'print JSON')
    .action(async (words: string[], options: { project?: string; limit: number; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const projects = options.project
          ? [nova.app.projects.get(options.project)]
          : nova.app.projects.list();
        const hits = await nova.memory.search(words.join(' '), {
          scopes: ['global', ...projects.map((project) => `project:${project.id}`)],
          limit: options.limit,
        });
        if (options.json) {
          context.io.writeOut(
            `${JSON.stringify({ hits: hits.map((hit) => ({ ...hit, citation: citation(hit.item) })) }, null, 2)}\n`,
          );
          return;
        }
        if (hits.length === 0) {
          context.io.writeOut('No hits. Index your projects first: nova index\n');
          return;
        }
        for (const hit of hits) {
          context.io.writeOut(
            `[${citation(hit.item)}] ${hit.item.kind} · ${hit.via.join('+')}\n  ${shorten(hit.item.text.replace(/\s+/g, ' '), 200)}\n`,
          );
        }
      } finally {
        await nova.close();
      }
    });

  const index = new Command('index')
    .description("index the projects' files for search (incremental: unchanged files are not re-read)")
    .option('-p, --project <id>', 'only this project')
    .option('--json', 'print JSON')
    .action(async (options: { project?: string; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const projects = options.project
          ? [options.project]
          : nova.app.projects.list().map((project) => project.id);
        if (projects.length === 0) {
          context.io.writeOut(
            'No projects are registered; add them under "projects" in nova.config.json (see README: Memory and search).\n',
          );
          return;
        }
        const refs = nova.app.projects.all();
        const reports = [];
        for (const id of projects) {
          nova.app.projects.get(id); // NOT_FOUND, naming the registered projects, when unknown
          const ref = refs.find((project) => project.id === id)!;
          const started = Date.now();
          const report = await nova.memory.indexProject(ref);
          reports.push({ ...report, ms: Date.now() - started });
          if (!options.json) {
            context.io.writeOut(
              `${id}: ${report.files} files (${report.read} read, ${report.unchanged} unchanged, ${report.removed} removed), ${report.chunks} new chunks\n`,
            );
          }
        }
        if (options.json) context.io.writeOut(`${JSON.stringify({ projects: reports }, null, 2)}\n`);
      } finally {
        await nova.close();
      }
    });
  return [memory, search, index];
}
