import { z } from 'zod';
import type { Handoff } from '../domain/handoff.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { Run } from '../domain/run.ts';
import { defineTool, type Tool, type ToolContext } from '../tools/tool.ts';
import type { AgentCatalog } from './agent-catalog.ts';

export interface ChildRunRequest {
  readonly handoff: Handoff;
  readonly context: ToolContext;
}

export interface DelegateToolOptions {
  readonly catalog: AgentCatalog;
  /** How deep delegation may nest below a person's task. */
  readonly maxDepth: number;
  readonly newId: (prefix: string) => string;
  /** Starts the child run and resolves with it when it ends (never rejects for a failed run). */
  readonly runChild: (request: ChildRunRequest) => Promise<{ run: Run; steps: number }>;
}

/** A child needs at least a model turn to answer; less than this left is not worth starting. */
const minimumStepsForChild = 2;

/**
 * `delegate`: hands a task to another agent as a typed envelope — the task, the context items
 * passed on, the sender's explicit assumptions and the expected output — and returns the child's
 * outcome. The runtime, not the model, checks the policy: the target must be in the sender's
 * `delegates`, delegation may not loop back to an agent already in the chain, nesting is bounded,
 * and the child can spend at most what the sender has left.
 */
export function createDelegateTool(options: DelegateToolOptions): Tool {
  return defineTool({
    name: 'delegate',
    description:
      'Hand a task to another Nova agent and get its outcome back. State every assumption you are making as a separate item; they travel with the task and are recorded.',
    inputSchema: z
      .object({
        agent: z.string().min(1).describe('the agent to hand the task to'),
        task: z.string().trim().min(1).max(20_000).describe('what the agent should do, self-contained'),
        assumptions: z
          .array(z.string().trim().min(1))
          .max(20)
          .default([])
          .describe('assumptions you made, one per item'),
        contextItemIds: z.array(z.string()).max(50).default([]),
        expectedOutput: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('JSON Schema the answer must follow'),
      })
      .strict(),
    effects: ['read'],
    async execute(input, context) {
      const sender = options.catalog.get(context.agent);
      const delegation = context.delegation;
      if (!delegation) throw new NovaError('TOOL_ERROR', 'delegation is not available in this run');
      if (!sender.policy.delegates.includes(input.agent)) {
        throw new NovaError(
          'FORBIDDEN',
          `agent "${sender.name}" may not delegate to "${input.agent}"; its policy allows: ${sender.policy.delegates.join(', ') || 'no agents'}`,
        );
      }
      const target = options.catalog.get(input.agent);
      if (delegation.chain.includes(target.name)) {
        throw new NovaError(
          'FORBIDDEN',
          `delegating to "${target.name}" would make a cycle: ${[...delegation.chain, target.name].join(' → ')}; do the work here or ask a different agent`,
        );
      }
      if (delegation.depth + 1 > options.maxDepth) {
        throw new NovaError(
          'BUDGET_EXCEEDED',
          `delegation depth limit reached (${options.maxDepth}): ${delegation.chain.join(' → ')}; answer with what you have`,
        );
      }
      const remaining = delegation.remaining();
      if (
        remaining.maxSteps < minimumStepsForChild ||
        remaining.maxTokens <= 0 ||
        remaining.maxWallTimeMs <= 0
      ) {
        throw new NovaError(
          'BUDGET_EXCEEDED',
          `not enough budget left to delegate (${remaining.maxSteps} steps, ${remaining.maxTokens} tokens); answer with what you have`,
        );
      }
      const handoff: Handoff = {
        id: options.newId('handoff'),
        fromRunId: context.runId,
        fromAgent: sender.name,
        toAgent: target.name,
        task: input.task,
        contextItemIds: input.contextItemIds,
        assumptions: input.assumptions.map((text, index) => ({ id: `${context.runId}/A${index + 1}`, text })),
        ...(input.expectedOutput ? { outputContract: input.expectedOutput } : {}),
      };
      const { run, steps } = await options.runChild({ handoff, context });
      delegation.charge(run.usage, steps, run.model);
      const report = {
        childRunId: run.id,
        agent: run.agent,
        status: run.status,
        ...(run.outcome
          ? {
              output: run.outcome.output,
              assumptions: run.outcome.assumptions,
              openQuestions: run.outcome.openQuestions,
            }
          : {}),
        ...(run.error ? { error: run.error } : {}),
      };
      if (run.status !== 'succeeded') {
        throw new NovaError(
          'TOOL_ERROR',
          `the delegated run ${run.id} (${run.agent}) ${run.status}: ${run.error?.message ?? 'no outcome'}`,
        );
      }
      return JSON.stringify(report, null, 2);
    },
  });
}
