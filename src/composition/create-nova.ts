import { describeIssues } from '../domain/describe-issues.ts';
import path from 'node:path';
import { AgentDirectorySource } from '../adapters/fs/agent-directory-source.ts';
import { ProjectContextSource } from '../adapters/fs/project-context-source.ts';
import { InProcessRunEventBus } from '../adapters/memory/in-process-run-event-bus.ts';
import { InMemoryRunJournal } from '../adapters/memory/in-memory-run-journal.ts';
import { createModelResolver } from '../adapters/models/model-resolver.ts';
import { openSqliteDatabase } from '../adapters/sqlite/sqlite-database.ts';
import { SqliteNoteStore } from '../adapters/sqlite/sqlite-note-store.ts';
import { SqliteRunJournal } from '../adapters/sqlite/sqlite-run-journal.ts';
import { SqliteApprovalStore } from '../adapters/sqlite/sqlite-approval-store.ts';
import { SqliteClarificationStore } from '../adapters/sqlite/sqlite-clarification-store.ts';
import { SqliteEffectLedger } from '../adapters/sqlite/sqlite-effect-ledger.ts';
import { SqliteLineageStore } from '../adapters/sqlite/sqlite-lineage-store.ts';
import { SqlitePipelineStore } from '../adapters/sqlite/sqlite-pipeline-store.ts';
import { PipelineDirectorySource } from '../adapters/fs/pipeline-directory-source.ts';
import { PipelineService } from '../app/pipeline-service.ts';
import { PipelineEngine } from '../pipelines/pipeline-engine.ts';
import { ReminderService } from '../app/reminder-service.ts';
import { MemoryService } from '../app/memory-service.ts';
import { CompositeContextSource, MemoryContextSource } from '../app/memory-context-source.ts';
import { ConversationContextSource } from '../app/conversation-context-source.ts';
import { SqliteMemoryStore } from '../adapters/sqlite/sqlite-memory-store.ts';
import { createEmbedder } from '../adapters/models/embedders.ts';
import { cachedEmbedder } from '../adapters/models/cached-embedder.ts';
import { SqliteEmbeddingCache } from '../adapters/sqlite/sqlite-embedding-cache.ts';
import { SqliteTodoStore } from '../adapters/sqlite/sqlite-todo-store.ts';
import { PostgresReadOnlyDatabase } from '../adapters/sql/postgres-read-only-database.ts';
import { SqliteReadOnlyDatabase } from '../adapters/sql/sqlite-read-only-database.ts';
import { MariaDbReadOnlyDatabase } from '../adapters/sql/mariadb-read-only-database.ts';
import type { ReadOnlyDatabase } from '../ports/read-only-database.ts';
import { createSqlQueryTool } from '../tools/builtin/sql-query.ts';
import { createGitDiffTool } from '../tools/builtin/git-diff.ts';
import { createEmailDraftTool } from '../tools/builtin/email-draft.ts';
import { SqliteDraftStore } from '../adapters/sqlite/sqlite-draft-store.ts';
import type { DraftStore } from '../ports/draft-store.ts';
import { createWorkerRankerTrainer } from '../adapters/workers/worker-ranker-trainer.ts';
import { createFileRankerCache, defaultCacheDir } from '../adapters/fs/file-ranker-cache.ts';
import { loadOutOfScopeExamples } from '../routing/out-of-scope-examples.ts';
import { loadWordVectors } from '../routing/word-vectors.ts';
import { loadSecretsFile } from '../adapters/fs/secrets-file.ts';
import { createProjectWriteTools } from '../tools/builtin/project-write.ts';
import { createShellTool } from '../tools/builtin/shell-exec.ts';
import { createHttpTools } from '../tools/builtin/http-tools.ts';
import { SqliteScheduleStore } from '../adapters/sqlite/sqlite-schedule-store.ts';
import type { InboxItem } from '../ports/schedule-store.ts';
import { SqliteTraceStore } from '../adapters/sqlite/sqlite-trace-store.ts';
import { OtlpExportingTraceStore } from '../adapters/otel/otlp-trace-export.ts';
import { createProcessOwner, isOwnerAlive } from '../adapters/system/process-owner.ts';
import { systemClock } from '../adapters/system/system-clock.ts';
import { TimeOrderedIdGenerator } from '../adapters/system/time-ordered-id-generator.ts';
import { AgentCatalog } from '../app/agent-catalog.ts';
import { NovaApp } from '../app/nova-app.ts';
import { ProjectRegistry } from '../app/project-registry.ts';
import { loadConfig, type NovaConfig } from '../config/load-config.ts';
import type { Clock } from '../ports/clock.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import type { ModelResolver } from '../ports/chat-model.ts';
import { NovaError } from '../domain/nova-error.ts';
import { createRedactor } from '../policy/redact.ts';
import { createPriceLookup } from '../runtime/model-prices.ts';
import { StoreTracer } from '../runtime/store-tracer.ts';
import { createBuiltinTools } from '../tools/builtin/create-builtin-tools.ts';
import { createTodoList, type TodoList } from '../tools/builtin/todos.ts';
import { ToolRegistry, toModelToolSpec } from '../tools/tool-registry.ts';

/** Tools this build provides; agent files naming other catalog tools get a warning. */
export const builtinToolNames = [
  'project_list_files',
  'project_read_file',
  'project_search',
  'notes_add',
  'notes_search',
  'delegate',
  'reminder_create',
  'reminder_list',
  'reminder_cancel',
  'memory_search',
  'memory_write',
  'project_write_file',
  'project_edit_file',
  'shell_exec',
  'http_fetch',
  'http_request',
  'task_create',
  'task_update',
  'task_list',
  'sql_query',
  'git_diff',
  'email_draft',
] as const;

export interface CreateNovaOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly configPath?: string;
  /** For tests: a fixed clock and ids. */
  readonly clock?: Clock;
  /** For tests: models from somewhere other than the config (e.g. a hijacked model in the attack suite). */
  readonly models?: ModelResolver;
  readonly ids?: IdGenerator;
  /** Progress of slow one-off work (training the router), one line each; the CLI prints it to stderr. */
  readonly progress?: (line: string) => void;
}

export interface Nova {
  readonly config: NovaConfig;
  readonly app: NovaApp;
  readonly pipelines: PipelineService;
  readonly reminders: ReminderService;
  readonly memory: MemoryService;
  /** E-mail drafts agents saved for the owner (`nova drafts`). */
  readonly drafts: DraftStore;
  /** The owner's to-do list as data (the HTTP API); the task-tracker's tools keep the same list. */
  readonly todos: TodoList;
  /** Problems that turned an optional part off (e.g. tracing export without its credential). */
  readonly warnings: readonly string[];
  /**
   * The to-do list as the owner uses it (`nova todo`): runs one of the task-tracker's tools
   * (`task_create`, `task_update`, `task_list`) with the owner as the author; returns its text.
   */
  todo(tool: 'task_create' | 'task_update' | 'task_list', input: unknown): Promise<string>;
  /** Adds the config's recurring schedules that are not registered yet (done by `nova start`). */
  registerSchedules(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The composition root: the one place that chooses and builds adapters. Interfaces (CLI, HTTP)
 * get a `Nova` and talk to `nova.app` only.
 */
export async function createNova(options: CreateNovaOptions): Promise<Nova> {
  const config = loadConfig({
    cwd: options.cwd,
    env: options.env,
    ...(options.configPath ? { configPath: options.configPath } : {}),
  });
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? new TimeOrderedIdGenerator();
  const database = openSqliteDatabase(path.join(config.dataDir, 'nova.db'));
  const crashAfter = Number(options.env.NOVA_FAULT_CRASH_AFTER_WRITES);
  if (Number.isInteger(crashAfter) && crashAfter > 0) database.armCrashAfterWrites(crashAfter);
  try {
    const journal = new SqliteRunJournal(database);
    const owner = createProcessOwner();
    const projects = new ProjectRegistry(config.projects);
    const effects = new SqliteEffectLedger(database);
    const approvals = new SqliteApprovalStore(database);
    const notes = new SqliteNoteStore(database);
    // Secrets by name, from the secrets file (mode 0600) or the environment; tools get them,
    // prompts never do, and everything journaled or traced has their values removed.
    const fileSecrets = loadSecretsFile(config.secretsFile);
    const secretOf = (name: string): string | undefined => fileSecrets[name] ?? options.env[name];
    // Embedding models (memory, routing) reach local OpenAI-compatible servers at these URLs.
    const providerBaseUrls = Object.fromEntries(
      Object.entries(config.models.providers).map(([name, provider]) => [name, provider.baseUrl]),
    );
    const databases = new ProjectDatabases(config.projects, secretOf);
    const drafts = new SqliteDraftStore(database);
    const redact = createRedactor({ env: options.env, secrets: Object.values(fileSecrets) });
    const tracing = createTracing(config, options.env, database, clock, Object.values(fileSecrets));
    if (tracing.warning) options.progress?.(`tracing: ${tracing.warning}`);
    const tools = new ToolRegistry();
    const scheduleStore = new SqliteScheduleStore(database);
    const scheduled = new Map(config.schedules.map((schedule) => [`sched_${schedule.id}`, schedule]));
    const notifyWebhook = async (item: InboxItem): Promise<void> => {
      const url = config.reminders.webhookUrl;
      if (!url) return;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'reminder', reminder: item }),
          signal: AbortSignal.timeout(5_000),
        });
        if (!response.ok) process.stderr.write(`nova: reminder webhook answered ${response.status}\n`);
      } catch (error) {
        process.stderr.write(`nova: reminder webhook failed: ${(error as Error).message}\n`);
      }
    };
    const reminders = new ReminderService({
      store: scheduleStore,
      clock,
      ids,
      timeZone: config.timeZone,
      onFired: async (item, entry) => {
        await notifyWebhook(item);
        // A configured schedule does its work: an agent task or a pipeline run, in the background.
        const schedule = scheduled.get(entry.id);
        if (schedule?.agent && schedule.task) {
          void app
            .ask({
              text: schedule.task,
              agent: schedule.agent,
              requester: { kind: 'schedule', scheduleId: schedule.id },
            })
            .catch(() => undefined);
        } else if (schedule?.pipeline) {
          void pipelines
            .run(schedule.pipeline, schedule.input ?? {})
            .then((started) => started.done)
            .catch(() => undefined);
        }
      },
    });
    const memoryStore = new SqliteMemoryStore(database);
    const memory = new MemoryService({
      store: memoryStore,
      files: memoryStore,
      ...(config.memory.embeddingModel
        ? {
            embedder: createEmbedder(config.memory.embeddingModel, {
              env: options.env,
              baseUrls: providerBaseUrls,
            }),
          }
        : {}),
      clock,
      ids,
    });
    const memoryPolicyOf = (agent: string): { read: readonly string[]; write: readonly string[] } => {
      try {
        return catalog.get(agent).policy.memory;
      } catch {
        return { read: [], write: [] };
      }
    };
    for (const tool of [
      ...createProjectWriteTools(),
      createShellTool({
        env: options.env,
        envAllow: config.tools.shell.envAllow,
        defaultTimeoutSeconds: config.tools.shell.timeoutSeconds,
      }),
      ...createHttpTools({
        allowHosts: config.tools.http.allowHosts,
        allowPrivate: config.tools.http.allowPrivate,
        secret: secretOf,
      }),
      createSqlQueryTool({ databaseOf: (projectId) => databases.get(projectId) }),
      createGitDiffTool(),
      createEmailDraftTool({ store: drafts, ids, clock }),
    ])
      tools.register(tool);
    const todoStore = new SqliteTodoStore(database);
    const todos = createTodoList({ store: todoStore, ids, clock, timeZone: config.timeZone });
    for (const tool of createBuiltinTools({
      notes,
      ids,
      clock,
      reminders,
      todos: { store: todoStore, timeZone: config.timeZone },
      memory: { access: memory, policyOf: memoryPolicyOf },
    }))
      tools.register(tool);
    const catalog = new AgentCatalog(
      new AgentDirectorySource(config.agentsDir, new Set(tools.list().map((tool) => tool.name))),
    );
    await catalog.reload();
    const routerCacheDirectory = path.join(defaultCacheDir(options.env), 'router');
    const trainingProgress = (agents: number): void =>
      options.progress?.(
        `training the router on ${agents} agents (once after the agent files change; it is cached in ${defaultCacheDir(options.env)})…`,
      );
    const trainer = createWorkerRankerTrainer({
      cacheDirectory: routerCacheDirectory,
      ...(options.progress ? { onTrain: trainingProgress } : {}),
    });
    const app = new NovaApp({
      catalog,
      journal,
      models:
        options.models ??
        createModelResolver({ config: config.models, env: options.env, baseDir: options.cwd, clock }),
      tools,
      toModelToolSpec,
      projects,
      events: new InProcessRunEventBus(),
      clock,
      ids,
      owner,
      isOwnerAlive,
      defaultAgent: 'assistant',
      reuseWindowMs: config.reuseWindowSeconds * 1000,
      contextSource: new CompositeContextSource([
        { source: new ProjectContextSource(clock) },
        { scheme: 'memory://', source: new MemoryContextSource(memory) },
        { scheme: 'run://', source: new ConversationContextSource((runId) => journal.getRun(runId)) },
      ]),
      contextTokenBudget: config.contextTokenBudget,
      effects,
      scratchJournal: () => new InMemoryRunJournal(),
      globalPolicy: config.policy,
      redact,
      clarifications: new SqliteClarificationStore(database),
      approvals: {
        store: approvals,
        expiresAfterMs: config.approvalExpiryHours * 3_600_000,
        newId: () => ids.next('appr'),
      },
      traces: tracing.traces,
      ...(tracing.tracer ? { tracer: tracing.tracer } : {}),
      prices: createPriceLookup(config.models.prices),
      routing: {
        modelTieBreak: config.routing.modelTieBreak,
        secondLook: config.routing.secondLook,
        // zod's optional fields may hold `undefined`; the router's rule type omits them instead.
        rules: config.routing.rules.map((rule) => ({
          agent: rule.agent,
          ...(rule.keywords ? { keywords: rule.keywords } : {}),
          ...(rule.project ? { project: rule.project } : {}),
          ...(rule.requester ? { requester: rule.requester } : {}),
        })),
        thresholds: {
          ...(config.routing.confidenceThreshold === undefined
            ? {}
            : { confidence: config.routing.confidenceThreshold }),
          ...(config.routing.maxUnknownShare === undefined
            ? {}
            : { maxUnknownShare: config.routing.maxUnknownShare }),
          ...(config.routing.maxOutOfScope === undefined
            ? {}
            : { maxOutOfScope: config.routing.maxOutOfScope }),
        },
        cache: createFileRankerCache(routerCacheDirectory),
        trainer,
        ...(options.progress ? { onTrain: trainingProgress } : {}),
        onTrainerError: (error: unknown) =>
          options.progress?.(
            `training the router in a worker thread failed (${error instanceof Error ? error.message : String(error)}); training it here instead`,
          ),
        ...(config.routing.embeddingModel === undefined
          ? {}
          : {
              embedder: cachedEmbedder(
                createEmbedder(config.routing.embeddingModel, {
                  env: options.env,
                  baseUrls: providerBaseUrls,
                }),
                new SqliteEmbeddingCache(database),
              ),
              ...(config.routing.embeddingThreshold === undefined
                ? {}
                : { embeddingThresholds: { confidence: config.routing.embeddingThreshold } }),
            }),
        ...(config.routing.wordVectors === undefined
          ? {}
          : {
              wordVectors:
                config.routing.wordVectors === false ? false : loadWordVectors(config.routing.wordVectors),
            }),
        ...(config.routing.outOfScopeExamples === undefined
          ? {}
          : {
              outOfScope:
                config.routing.outOfScopeExamples === false
                  ? false
                  : loadOutOfScopeExamples(config.routing.outOfScopeExamples),
            }),
      },
    });
    await app.recoverInterrupted();
    const pipelineStore = new SqlitePipelineStore(database);
    const lineage = new SqliteLineageStore(database);
    const pipelineSignal = new AbortController();
    const engine = new PipelineEngine({
      store: pipelineStore,
      effects,
      lineage,
      approvals,
      runAgent: (request) => app.runForPipeline(request),
      getAgentRun: async (runId) => (await app.getRun(runId).catch(() => undefined))?.run,
      listChildRuns: (runId) => app.listChildRuns(runId),
      tools,
      toolContext: ({ runId, pipeline, projectId, signal }) => ({
        runId,
        agent: `pipeline:${pipeline}`,
        projects: projects.all(),
        ...(projectId === undefined ? {} : { defaultProjectId: projectId }),
        signal: AbortSignal.any([signal, pipelineSignal.signal]),
      }),
      clock,
      ids,
      owner,
      isOwnerAlive,
      approvalExpiryMs: config.approvalExpiryHours * 3_600_000,
      ...(tracing.tracer ? { tracer: tracing.tracer } : {}),
    });
    const pipelines = new PipelineService({
      source: new PipelineDirectorySource(config.pipelinesDir),
      engine,
      store: pipelineStore,
      approvals,
      lineage,
      names: () => ({
        agents: new Set(catalog.list().map((agent) => agent.name)),
        tools: new Set([...tools.list().map((tool) => tool.name), 'delegate']),
      }),
      clock,
      ids,
      replayAgentRun: (runId) => app.replayRun(runId),
      resumeAgentRun: (runId) => app.resumeRun(runId),
    });
    const registerSchedules = async (): Promise<string[]> => {
      // Registered once; a schedule the owner cancelled stays cancelled until its id changes.
      const pending = new Set((await reminders.list({ all: true })).map((entry) => entry.id));
      const added: string[] = [];
      for (const [id, schedule] of scheduled) {
        if (pending.has(id)) continue;
        await reminders.add({
          id,
          text: schedule.pipeline
            ? `scheduled pipeline ${schedule.pipeline}`
            : `scheduled task for ${schedule.agent}: ${schedule.task}`,
          cron: schedule.cron,
          createdBy: 'config',
        });
        added.push(id);
      }
      return added;
    };
    return {
      config,
      app,
      pipelines,
      reminders,
      memory,
      warnings: tracing.warning ? [`tracing: ${tracing.warning}`] : [],
      drafts,
      todos,
      async todo(name, input) {
        const tool = tools.get(name);
        if (!tool) throw new NovaError('INTERNAL', `the ${name} tool is not registered`);
        const parsed = tool.inputSchema.safeParse(input);
        if (!parsed.success) throw new NovaError('BAD_REQUEST', describeIssues(parsed.error.issues, 'input'));
        return String(
          await tool.execute(parsed.data, {
            runId: 'cli',
            agent: 'owner',
            projects: [],
            signal: new AbortController().signal,
          }),
        );
      },
      registerSchedules,
      async close() {
        catalog.stop();
        reminders.stop();
        pipelineSignal.abort();
        await trainer.close();
        await databases.close();
        await app.shutdown();
        await tracing.exporter?.shutdown();
        database.close();
      },
    };
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * Spans go to the database and, with `tracing.otlpEndpoint`, also to an OTLP collector. Export
 * header values come from the environment variables the config names, and are redacted like
 * every other secret.
 */
function createTracing(
  config: NovaConfig,
  env: Readonly<Record<string, string | undefined>>,
  database: ReturnType<typeof openSqliteDatabase>,
  clock: Clock,
  secrets: readonly string[] = [],
): {
  traces: SqliteTraceStore;
  tracer?: StoreTracer;
  exporter?: OtlpExportingTraceStore;
  warning?: string;
} {
  const traces = new SqliteTraceStore(database);
  if (!config.tracing.enabled) return { traces };
  const headers: Record<string, string> = {};
  const missing: string[] = [];
  for (const [header, variable] of Object.entries(config.tracing.otlpHeaders)) {
    const value = env[variable];
    if (value === undefined || value === '')
      missing.push(
        `tracing.otlpHeaders.${header} reads the environment variable ${variable}, which is not set`,
      );
    else headers[header] = value;
  }
  // A missing credential turns the export off (spans are still stored), rather than every command.
  const warning =
    config.tracing.otlpEndpoint && missing.length > 0
      ? `OTLP export is off: ${missing.join('; ')}; set it or remove the header (spans are still kept locally)`
      : undefined;
  const exporter =
    config.tracing.otlpEndpoint && !warning
      ? new OtlpExportingTraceStore(traces, {
          endpoint: config.tracing.otlpEndpoint,
          headers,
          serviceName: config.tracing.serviceName,
        })
      : undefined;
  const redact = createRedactor({ env, secrets: [...Object.values(headers), ...secrets] });
  return {
    traces,
    tracer: new StoreTracer({ store: exporter ?? traces, clock, redact }),
    ...(exporter ? { exporter } : {}),
    ...(warning ? { warning } : {}),
  };
}

/**
 * Each project's database for `sql_query`, opened on first use and kept until Nova closes. A
 * PostgreSQL connection string comes from the secret the project names; a missing one is an
 * error that names it (the tool reports it to the agent).
 */
class ProjectDatabases {
  readonly #projects: NovaConfig['projects'];
  readonly #secretOf: (name: string) => string | undefined;
  readonly #open = new Map<string, ReadOnlyDatabase>();

  constructor(projects: NovaConfig['projects'], secretOf: (name: string) => string | undefined) {
    this.#projects = projects;
    this.#secretOf = secretOf;
  }

  get(projectId: string): ReadOnlyDatabase | undefined {
    const open = this.#open.get(projectId);
    if (open) return open;
    const project = this.#projects.find((candidate) => candidate.id === projectId);
    const database = project?.database;
    if (!project || !database) return undefined;
    let created: ReadOnlyDatabase;
    if (database.kind === 'sqlite') {
      created = new SqliteReadOnlyDatabase(path.resolve(project.root, database.path));
    } else {
      const url = this.#secretOf(database.urlSecret);
      if (!url)
        throw new NovaError(
          'CONFIG_INVALID',
          `project ${projectId}'s database reads the secret ${database.urlSecret}, which is not set; add it to the secrets file or the environment`,
        );
      created =
        database.kind === 'postgres' ? new PostgresReadOnlyDatabase(url) : new MariaDbReadOnlyDatabase(url);
    }
    this.#open.set(projectId, created);
    return created;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#open.values()].map((database) => database.close()));
    this.#open.clear();
  }
}
