import fs from 'node:fs';
import path from 'node:path';
import { NovaError } from '../domain/nova-error.ts';
import {
  novaConfigSchema,
  type ModelsConfig,
  type ProjectConfig,
  type RoutingConfig,
  type TracingConfig,
  type ServerConfig,
} from './nova-config.ts';
import {
  formatProblem,
  parseLocatedDocument,
  problemsFromZodIssues,
  type SourceProblem,
} from './source-problem.ts';

/** The configuration after defaults, environment overrides and path resolution. */
export interface NovaConfig {
  /** The file it came from, if any. */
  readonly configPath?: string;
  readonly baseDir: string;
  readonly dataDir: string;
  readonly agentsDir: string;
  readonly pipelinesDir: string;
  readonly models: ModelsConfig;
  readonly projects: readonly ProjectConfig[];
  readonly server: ServerConfig;
  readonly routing: RoutingConfig;
  readonly reuseWindowSeconds: number;
  readonly contextTokenBudget: number;
  readonly approvalExpiryHours: number;
  readonly timeZone: string;
  readonly memory: { readonly embeddingModel?: string | undefined };
  readonly secretsFile: string;
  readonly tools: {
    readonly http: { readonly allowHosts: readonly string[]; readonly allowPrivate: boolean };
    readonly shell: { readonly envAllow: readonly string[]; readonly timeoutSeconds: number };
  };
  readonly reminders: { readonly webhookUrl?: string | undefined };
  readonly schedules: ReadonlyArray<{
    id: string;
    cron: string;
    agent?: string | undefined;
    task?: string | undefined;
    pipeline?: string | undefined;
    input?: unknown;
  }>;
  readonly policy: {
    readonly denyTools: readonly string[];
    readonly effects: ReadonlyArray<'read' | 'write' | 'external' | 'exec'>;
  };
  readonly tracing: TracingConfig;
}

export const configFileNames = ['nova.config.json', 'nova.config.yaml', 'nova.config.yml'] as const;

/** The roster shipped with Nova, used when the working folder has no `agents/` of its own. */
export const bundledAgentsDir = path.resolve(import.meta.dirname, '../../agents');
/** The pipelines that ship with Nova. */
export const bundledPipelinesDir = path.resolve(import.meta.dirname, '../../pipelines');

export interface LoadConfigOptions {
  /** `--config`; otherwise `NOVA_CONFIG`, otherwise `nova.config.json|yaml` in `cwd`. */
  readonly configPath?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads the config file (JSON or YAML) and applies environment overrides:
 * NOVA_DATA_DIR, NOVA_AGENTS_DIR, NOVA_HOST, NOVA_PORT. Model overrides (NOVA_MODEL,
 * NOVA_FALLBACK_MODEL) are applied by the model resolver. Problems name file, line and field.
 */
export function loadConfig(options: LoadConfigOptions): NovaConfig {
  const explicit = options.configPath ?? options.env.NOVA_CONFIG;
  const configPath = explicit
    ? path.resolve(options.cwd, explicit)
    : configFileNames
        .map((name) => path.join(options.cwd, name))
        .find((candidate) => fs.existsSync(candidate));
  let raw: unknown = {};
  if (configPath) {
    let text: string;
    try {
      text = fs.readFileSync(configPath, 'utf8');
    } catch (error) {
      throw new NovaError(
        'CONFIG_INVALID',
        `cannot read config file ${configPath}: ${(error as Error).message}`,
        {
          details: { path: configPath },
          cause: error,
        },
      );
    }
    const document = parseLocatedDocument(text);
    if (document.syntaxProblems.length > 0) {
      throw configError(
        document.syntaxProblems.map((problem) => ({
          file: configPath,
          line: problem.line,
          field: '',
          message: `syntax: ${problem.message}`,
          severity: 'error' as const,
        })),
      );
    }
    raw = document.value ?? {};
    const parsed = novaConfigSchema.safeParse(raw);
    if (!parsed.success) throw configError(problemsFromZodIssues(configPath, document, parsed.error.issues));
    raw = parsed.data;
  }
  const file = novaConfigSchema.parse(raw);
  const baseDir = configPath ? path.dirname(configPath) : options.cwd;
  const env = options.env;

  const problems: SourceProblem[] = [];
  const seen = new Set<string>();
  for (const project of file.projects) {
    if (seen.has(project.id)) {
      problems.push({
        file: configPath ?? 'config',
        line: 1,
        field: 'projects',
        message: `project id "${project.id}" is used twice; ids must be unique`,
        severity: 'error',
      });
    }
    seen.add(project.id);
  }
  if (problems.length > 0) throw configError(problems);

  const server = { ...file.server };
  if (env.NOVA_HOST) server.host = env.NOVA_HOST;
  if (env.NOVA_PORT) {
    const port = Number(env.NOVA_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new NovaError(
        'CONFIG_INVALID',
        `NOVA_PORT must be a port number from 0 to 65535, got "${env.NOVA_PORT}"`,
      );
    }
    server.port = port;
  }
  const localAgents = path.join(baseDir, 'agents');
  const agentsDir = env.NOVA_AGENTS_DIR
    ? path.resolve(options.cwd, env.NOVA_AGENTS_DIR)
    : file.agentsDir
      ? path.resolve(baseDir, file.agentsDir)
      : fs.existsSync(localAgents)
        ? localAgents
        : bundledAgentsDir;
  const localPipelines = path.join(baseDir, 'pipelines');
  const pipelinesDir = env.NOVA_PIPELINES_DIR
    ? path.resolve(options.cwd, env.NOVA_PIPELINES_DIR)
    : file.pipelinesDir
      ? path.resolve(baseDir, file.pipelinesDir)
      : fs.existsSync(localPipelines)
        ? localPipelines
        : bundledPipelinesDir;
  return {
    ...(configPath ? { configPath } : {}),
    baseDir,
    dataDir: env.NOVA_DATA_DIR
      ? path.resolve(options.cwd, env.NOVA_DATA_DIR)
      : path.resolve(baseDir, file.dataDir),
    agentsDir,
    pipelinesDir,
    // A scripted model named in the config file is a path relative to that file, like every other path there.
    models: {
      ...file.models,
      ...(file.models.default ? { default: scriptedRelativeTo(baseDir, file.models.default) } : {}),
      ...(file.models.fallback ? { fallback: scriptedRelativeTo(baseDir, file.models.fallback) } : {}),
    },
    projects: file.projects.map((project) => ({ ...project, root: path.resolve(baseDir, project.root) })),
    server,
    // Data files named in the config are relative to it, like every other path there.
    routing: {
      ...file.routing,
      ...(typeof file.routing.outOfScopeExamples === 'string'
        ? { outOfScopeExamples: path.resolve(baseDir, file.routing.outOfScopeExamples) }
        : {}),
      ...(typeof file.routing.wordVectors === 'string'
        ? { wordVectors: path.resolve(baseDir, file.routing.wordVectors) }
        : {}),
    },
    reuseWindowSeconds: file.reuse.windowSeconds,
    contextTokenBudget: file.context.tokenBudget,
    approvalExpiryHours: file.approvals.expiresAfterHours,
    secretsFile: file.secretsFile
      ? path.resolve(baseDir, file.secretsFile)
      : path.join(
          env.NOVA_DATA_DIR
            ? path.resolve(options.cwd, env.NOVA_DATA_DIR)
            : path.resolve(baseDir, file.dataDir),
          'secrets.json',
        ),
    memory: file.memory,
    tools: file.tools,
    timeZone: file.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
    reminders: file.reminders,
    schedules: file.schedules,
    policy: file.policy,
    tracing: file.tracing,
  };
}

function configError(problems: readonly SourceProblem[]): NovaError {
  return new NovaError(
    'CONFIG_INVALID',
    `invalid configuration:\n${problems.map(formatProblem).join('\n')}`,
    {
      details: { problems },
    },
  );
}

/** `scripted:demo.json` in a config file → the script beside that file; other ids unchanged. */
function scriptedRelativeTo(baseDir: string, modelId: string): string {
  if (!modelId.startsWith('scripted:')) return modelId;
  const file = modelId.slice('scripted:'.length);
  return path.isAbsolute(file) ? modelId : `scripted:${path.resolve(baseDir, file)}`;
}
