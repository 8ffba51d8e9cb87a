import { z } from 'zod';
import { agentDomains } from '../domain/agent-definition.ts';
import { effects } from '../domain/effect.ts';

const agentName = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be kebab-case: lowercase letters, digits and single hyphens');

const modelId = z
  .string()
  .regex(/^[a-z][a-z0-9-]*:.+$/, 'must be `provider:model`, e.g. `openai:gpt-4o-mini` or `scripted:examples/hello.json`');

/** Memory scopes: `global`, `project` (the task's project), `agent` (its own), `run`, or `project:<id>`. */
const memoryScope = z
  .string()
  .regex(/^(global|project|agent|run|project:[a-z0-9-]+)$/, 'must be global, project, agent, run or project:<id>');

const budget = z
  .object({
    steps: z.number().int().min(1).max(10_000).optional(),
    tokens: z.number().int().min(100).max(100_000_000).optional(),
    wallTimeSeconds: z.number().int().min(1).max(86_400).optional(),
    toolErrors: z.number().int().min(0).max(100).optional(),
    /** Most estimated model cost per run (and the runs it delegates), in USD. */
    costUsd: z.number().positive().max(10_000).optional(),
  })
  .strict();

/**
 * The YAML front matter of `agents/<name>.md`. Unknown keys are errors so that a typo
 * (`tool:` for `tools:`) does not silently widen or narrow a policy.
 */
export const agentFrontMatterSchema = z
  .object({
    name: agentName,
    title: z.string().min(1).max(80),
    domain: z.enum(agentDomains),
    description: z.string().min(20, 'must say in a sentence or more what the agent does').max(1_000),
    examples: z.array(z.string().min(3)).min(1, 'must list example requests (the router learns from them)'),
    model: modelId.optional(),
    tools: z
      .array(z.string().regex(/^[a-z*][a-z0-9_*]*$/, 'tool names are snake_case; `*` matches any part (project_*)'))
      .default([]),
    effects: z.array(z.enum(effects)).default(['read']),
    projects: z.array(z.string().regex(/^(\*|[a-z0-9][a-z0-9-]*)$/, 'must be a project id or *')).default([]),
    memory: z
      .object({ read: z.array(memoryScope).default([]), write: z.array(memoryScope).default([]) })
      .strict()
      .default({ read: [], write: [] }),
    delegates: z.array(agentName).default([]),
    budget: budget.default({}),
    output: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type AgentFrontMatter = z.infer<typeof agentFrontMatterSchema>;
