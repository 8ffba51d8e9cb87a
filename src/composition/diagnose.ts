import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load-config.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { Nova } from './create-nova.ts';

export interface Check {
  readonly name: string;
  readonly status: 'ok' | 'warning' | 'error';
  readonly detail: string;
}

/**
 * `nova doctor`: each part of the set-up checked on its own, so one broken part does not hide
 * the state of the others. Never throws for a problem it can describe.
 */
export async function diagnose(
  options: { cwd: string; env: Readonly<Record<string, string | undefined>>; configPath?: string },
  openNova: () => Promise<Nova>,
): Promise<Check[]> {
  const checks: Check[] = [];
  const config = loadConfig(options);
  checks.push({
    name: 'config',
    status: 'ok',
    detail: config.configPath
      ? `loaded ${config.configPath}`
      : 'no config file; using defaults (see README: Configuration)',
  });

  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.accessSync(config.dataDir, fs.constants.W_OK);
    checks.push({ name: 'data', status: 'ok', detail: `${config.dataDir} is writable` });
  } catch (error) {
    checks.push({ name: 'data', status: 'error', detail: `${config.dataDir}: ${(error as Error).message}` });
    return checks;
  }

  let nova: Nova;
  try {
    nova = await openNova();
  } catch (error) {
    checks.push({
      name: 'journal',
      status: 'error',
      detail: error instanceof Error ? error.message : String(error),
    });
    return checks;
  }
  try {
    checks.push({ name: 'journal', status: 'ok', detail: `${path.join(config.dataDir, 'nova.db')} opened` });
    for (const warning of nova.warnings) {
      const [name = 'setup', ...rest] = warning.split(': ');
      checks.push({ name, status: 'warning', detail: rest.join(': ') });
    }
    const agents = nova.app.catalog.list();
    const errors = nova.app.catalog.problems().filter((problem) => problem.severity === 'error');
    checks.push({
      name: 'agents',
      status: errors.length > 0 ? 'warning' : agents.length > 0 ? 'ok' : 'error',
      detail: `${agents.length} loaded from ${config.agentsDir}${errors.length > 0 ? `; ${errors.length} problem(s), run \`nova agents validate\`` : ''}`,
    });

    if (agents.length > 0)
      checks.push({
        name: 'router',
        status: 'ok',
        detail: nova.app.routerIsTrained
          ? `trained for these ${agents.length} agents (restored from the cache in well under a second)`
          : `not trained for these ${agents.length} agents yet: the first routed task trains it (seconds; \`nova start\` does it in the background)`,
      });

    const { pipelines, problems: pipelineProblems } = await nova.pipelines.list();
    const pipelineErrors = pipelineProblems.filter((problem) => problem.severity === 'error');
    checks.push({
      name: 'pipelines',
      status: pipelineErrors.length > 0 ? 'warning' : 'ok',
      detail: `${pipelines.length} loaded from ${nova.pipelines.location}${pipelineErrors.length > 0 ? `; ${pipelineErrors.length} problem(s), run \`nova pipelines validate\`` : ''}`,
    });
    const pending = await nova.pipelines.listApprovals();
    checks.push({
      name: 'approvals',
      status: pending.length > 0 ? 'warning' : 'ok',
      detail:
        pending.length > 0 ? `${pending.length} waiting for you: nova approvals list` : 'nothing waiting',
    });

    const modelIds = new Set<string>();
    const defaultModel = options.env.NOVA_MODEL || config.models.default;
    const fallbackModel = options.env.NOVA_FALLBACK_MODEL || config.models.fallback;
    if (defaultModel) modelIds.add(defaultModel);
    if (fallbackModel) modelIds.add(fallbackModel);
    for (const agent of agents) if (agent.model) modelIds.add(agent.model);
    if (!defaultModel) {
      checks.push({
        name: 'model',
        status: 'warning',
        detail:
          'no default model: set NOVA_MODEL=<provider:model> (e.g. NOVA_MODEL=scripted:examples/hello.json, or openai:gpt-4o-mini with OPENAI_API_KEY) or models.default in nova.config.json',
      });
    }
    for (const modelId of modelIds) {
      const result = await nova.app.models.check(modelId);
      const role =
        modelId === defaultModel ? 'default' : modelId === fallbackModel ? 'fallback' : 'agent override';
      checks.push({
        name: 'model',
        status: result.ok ? 'ok' : 'error',
        detail: `${modelId} (${role}): ${result.detail}`,
      });
    }

    for (const project of nova.app.projects.list()) {
      const exists = fs.existsSync(project.root);
      checks.push({
        name: 'project',
        status: exists ? 'ok' : 'error',
        detail: `${project.id}: ${project.root}${exists ? '' : ' does not exist'}`,
      });
    }
  } catch (error) {
    if (!NovaError.is(error)) throw error;
    checks.push({ name: 'nova', status: 'error', detail: error.message });
  } finally {
    await nova.close();
  }
  return checks;
}
