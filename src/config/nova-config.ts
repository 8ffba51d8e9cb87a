import { z } from 'zod';

const modelId = z
  .string()
  .regex(/^[a-z][a-z0-9-]*:.+$/, 'must be `provider:model`, e.g. `openai:gpt-4o-mini`');

/** One provider's connection settings. Keys are read from the environment, never stored here. */
const providerSettings = z
  .object({
    /** Name of the environment variable holding the API key. */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    /** For OpenAI-compatible servers (Ollama, llama.cpp, vLLM, LM Studio) and proxies. */
    baseUrl: z.url().optional(),
  })
  .strict();

export const modelsConfigSchema = z
  .object({
    /** Used by agents that name no model. `NOVA_MODEL` overrides it. */
    default: modelId.optional(),
    /** Tried once when the primary model fails after its retries. `NOVA_FALLBACK_MODEL` overrides it. */
    fallback: modelId.optional(),
    /** Attempts after the first on retryable errors (429, 5xx, timeouts). */
    retries: z.number().int().min(0).max(10).default(2),
    retryBaseDelayMs: z.number().int().min(0).max(60_000).default(500),
    retryMaxDelayMs: z.number().int().min(0).max(300_000).default(8_000),
    /** Per model call. */
    timeoutMs: z.number().int().min(100).max(3_600_000).default(120_000),
    /**
     * Provider settings by provider name. Built in: openai, anthropic, google, ollama,
     * lmstudio, llamacpp, vllm. Any other name with a baseUrl is an OpenAI-compatible server.
     */
    providers: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), providerSettings).default({}),
    /**
     * USD per 1,000,000 tokens by model id, for the cost estimate in traces; added to the
     * built-in prices of well-known models (runtime/model-prices.ts). Unknown models show no cost.
     */
    prices: z
      .record(modelId, z.object({ input: z.number().min(0), output: z.number().min(0) }).strict())
      .optional(),
  })
  .strict();

export const projectConfigSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and hyphens'),
    name: z.string().min(1),
    /** Absolute, or relative to the config file's folder. */
    root: z.string().min(1),
    /** Doc folders or files, relative to the root. */
    docs: z.array(z.string()).default([]),
    tags: z.array(z.string()).default([]),
    /**
     * `untrusted` for folders holding other people's content (client documents, e-mail exports):
     * what agents read there taints their run, so writes and outside calls then need approval.
     */
    trust: z.enum(['trusted', 'untrusted']).default('trusted'),
    /**
     * The project's database for the read-only `sql_query` tool: PostgreSQL or MariaDB/MySQL with
     * its connection string (`postgres://…`, `mariadb://user:password@host:3306/db`) in a secret
     * (the secrets file or the environment; never in this file), or a SQLite file relative to the root.
     */
    database: z
      .discriminatedUnion('kind', [
        z
          .object({
            kind: z.enum(['postgres', 'mariadb']),
            urlSecret: z
              .string()
              .regex(
                /^[A-Za-z_][A-Za-z0-9_]*$/,
                'must be the name of a secret holding the connection string',
              ),
          })
          .strict(),
        z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }).strict(),
      ])
      .optional(),
  })
  .strict();

export const serverConfigSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(7420),
    /** Request bodies larger than this are refused with 413. */
    maxBodyBytes: z.number().int().min(1_024).max(100_000_000).default(1_000_000),
    /** Browser origins allowed to call the API (CORS), e.g. "http://localhost:5173"; none by default. */
    corsOrigins: z.array(z.url()).default([]),
  })
  .strict();

export const routingConfigSchema = z
  .object({
    /** Below this confidence the router asks a question instead of guessing (0..1). */
    confidenceThreshold: z.number().min(0).max(1).optional(),
    /**
     * When the offline ranker is unsure, compare its top three word by word with each agent's
     * examples (decision 0004). Off: bulk routing ~1.5× as fast, a little less accurate.
     */
    secondLook: z.boolean().default(true),
    /** When the ranker is unsure between a few agents, ask the default model to pick (needs a model). */
    modelTieBreak: z.boolean().default(true),
    /** Requests with more than this share of words unknown to the roster are out of scope (0..1). */
    maxUnknownShare: z.number().min(0).max(1).optional(),
    /** Requests more likely like the out-of-scope examples than any agent's are out of scope above this (0..1). */
    maxOutOfScope: z.number().min(0).max(1).optional(),
    /**
     * Requests no agent should take, one per line (# comments), learnt as a background class:
     * a file path (relative to this config file), or false for none. Default: Nova's shipped list.
     */
    outOfScopeExamples: z.union([z.string().min(1), z.literal(false)]).optional(),
    /**
     * Pretrained word vectors for the offline ranker, in Nova's format (scripts/build-word-vectors.ts):
     * a file path (relative to this config file), or false for none. Default: the shipped GloVe file.
     */
    wordVectors: z.union([z.string().min(1), z.literal(false)]).optional(),
    /**
     * An embedding model (e.g. openai:text-embedding-3-small, ollama:nomic-embed-text, glove:50k):
     * requests the ranker is unsure about are routed by embedding similarity to the agents' examples.
     */
    embeddingModel: z.string().min(1).optional(),
    /** The embedding strategy decides at or above this calibrated confidence (0..1, default 0.5). */
    embeddingThreshold: z.number().min(0).max(1).optional(),
    /** Checked in order before the ranker; the first match decides. */
    rules: z
      .array(
        z
          .object({
            agent: z.string().min(1),
            keywords: z.array(z.string().min(1)).min(1).optional(),
            project: z.string().min(1).optional(),
            requester: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const reuseConfigSchema = z
  .object({
    /** An equal task that succeeded this recently is answered from that run (0 turns reuse off). */
    windowSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(600),
  })
  .strict();

export const contextConfigSchema = z
  .object({
    /** Tokens of project context an agent is given at most. */
    tokenBudget: z.number().int().min(0).max(1_000_000).default(3_000),
  })
  .strict();

export const tracingConfigSchema = z
  .object({
    /** Record spans of every run in the local database (`nova trace <run>`). */
    enabled: z.boolean().default(true),
    /**
     * Also export spans over OTLP/HTTP (JSON) to this URL, e.g. `http://localhost:4318` (Jaeger,
     * Phoenix) or Langfuse's `/api/public/otel`; `/v1/traces` is appended when missing.
     */
    otlpEndpoint: z.url().optional(),
    /** Header name → name of the environment variable holding its value (never the value itself). */
    otlpHeaders: z
      .record(
        z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'),
        z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name'),
      )
      .default({}),
    serviceName: z.string().min(1).default('nova'),
  })
  .strict();

/** `nova.config.json` (or the file named by `--config` / `NOVA_CONFIG`). */
export const novaConfigSchema = z
  .object({
    /** Where the journal, token and notes live. Relative to the config file's folder. */
    dataDir: z.string().default('.nova'),
    /** Folder of agent files. Relative to the config file's folder. */
    agentsDir: z.string().optional(),
    /** Folder of pipeline files (`<name>.yaml`). Relative to the config file's folder. */
    pipelinesDir: z.string().optional(),
    models: modelsConfigSchema.default(modelsConfigSchema.parse({})),
    projects: z.array(projectConfigSchema).default([]),
    server: serverConfigSchema.default(serverConfigSchema.parse({})),
    routing: routingConfigSchema.default(routingConfigSchema.parse({})),
    reuse: reuseConfigSchema.default(reuseConfigSchema.parse({})),
    context: contextConfigSchema.default(contextConfigSchema.parse({})),
    /** The owner's ceiling over every agent: tools none may use (names or `*` patterns), effects any may cause. */
    policy: z
      .object({
        denyTools: z
          .array(z.string().regex(/^[a-z*][a-z0-9_*]*$/, 'a tool name or pattern such as shell_*'))
          .default([]),
        effects: z
          .array(z.enum(['read', 'write', 'external', 'exec']))
          .default(['read', 'write', 'external', 'exec']),
      })
      .strict()
      .default({ denyTools: [], effects: ['read', 'write', 'external', 'exec'] }),
    /** JSON file of secrets by name (mode 0600); default `<dataDir>/secrets.json`. */
    secretsFile: z.string().optional(),
    /** Tools with reach: hosts the HTTP tools may contact, what the shell tool passes on. */
    tools: z
      .object({
        http: z
          .object({
            allowHosts: z.array(z.string().min(1)).default([]),
            allowPrivate: z.boolean().default(false),
          })
          .strict()
          .default({ allowHosts: [], allowPrivate: false }),
        shell: z
          .object({
            envAllow: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).default([]),
            timeoutSeconds: z.number().positive().max(600).default(30),
          })
          .strict()
          .default({ envAllow: [], timeoutSeconds: 30 }),
      })
      .strict()
      .default({
        http: { allowHosts: [], allowPrivate: false },
        shell: { envAllow: [], timeoutSeconds: 30 },
      }),
    /** Memory: `embeddingModel` (e.g. openai:text-embedding-3-small, ollama:nomic-embed-text, hash:256) turns on meaning-based search. */
    memory: z
      .object({ embeddingModel: z.string().min(3).optional() })
      .strict()
      .default({}),
    /** IANA time zone for reminders ("tomorrow 9am"); default: this machine's. */
    timezone: z
      .string()
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Berlin')
      .optional(),
    /** Fired reminders are also POSTed as JSON to this URL (5 s timeout; failures are logged). */
    reminders: z.object({ webhookUrl: z.url().optional() }).strict().default({}),
    /** Recurring work: an agent task or a pipeline run on a cron schedule (fired by `nova start`). */
    schedules: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and hyphens'),
            cron: z.string().min(1),
            agent: z.string().optional(),
            task: z.string().optional(),
            pipeline: z.string().optional(),
            input: z.unknown().optional(),
          })
          .strict()
          .refine(
            (schedule) =>
              (schedule.agent !== undefined && schedule.task !== undefined) !==
              (schedule.pipeline !== undefined),
            {
              message: 'give either "agent" and "task", or "pipeline" (with "input")',
            },
          ),
      )
      .default([]),
    /** Approvals (of a tainted run's actions): unanswered ones count as denied after this many hours. */
    approvals: z
      .object({
        expiresAfterHours: z
          .number()
          .positive()
          .max(24 * 365)
          .default(72),
      })
      .strict()
      .default({ expiresAfterHours: 72 }),
    tracing: tracingConfigSchema.default(tracingConfigSchema.parse({})),
  })
  .strict();

export type NovaConfigFile = z.infer<typeof novaConfigSchema>;
export type ModelsConfig = z.infer<typeof modelsConfigSchema>;
export type ProjectConfig = z.infer<typeof projectConfigSchema>;
export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
export type TracingConfig = z.infer<typeof tracingConfigSchema>;
