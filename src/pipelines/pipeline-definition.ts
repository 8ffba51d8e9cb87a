import { z } from 'zod';

/**
 * A pipeline: steps run in the order written, each seeing the pipeline input and the outputs of
 * the steps above it through `{{input.x}}` and `{{steps.<id>.output.y}}` references. Written as
 * YAML in `pipelines/<name>.yaml`, or built in TypeScript with `definePipeline`.
 */

const stepId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'a step id is lowercase letters, digits, "-" and "_", starting with a letter');

const jsonSchema = z.record(z.string(), z.unknown());

const common = {
  id: stepId,
  description: z.string().optional(),
  /** Seconds one attempt may take before it fails with TIMEOUT. */
  timeoutSeconds: z.number().positive().max(86_400).optional(),
  /** Attempts after the first for transient failures (model errors, timeouts, tool errors). */
  retries: z.number().int().min(0).max(10).default(0),
  /** JSON Schema the step's output must satisfy; invalid data never flows on. */
  output: jsonSchema.optional(),
};

const agentWork = {
  agent: z.string().min(1),
  /** The task text; `{{…}}` references are filled in before the agent sees it. */
  task: z.string().min(1),
  /** Project the task is about (a reference or an id). */
  project: z.string().optional(),
};

export const agentStepSchema = z.object({ ...common, kind: z.literal('agent'), ...agentWork }).strict();

export const toolStepSchema = z
  .object({
    ...common,
    kind: z.literal('tool'),
    tool: z.string().min(1),
    /** The tool's arguments; string values may hold references. */
    args: z.record(z.string(), z.unknown()).default({}),
    project: z.string().optional(),
  })
  .strict();

export const approvalStepSchema = z
  .object({
    ...common,
    kind: z.literal('approval'),
    /** What the person is asked; references allowed. */
    message: z.string().min(1),
    /** What to show with the question, e.g. `{{steps.draft.output}}`. */
    show: z.unknown().optional(),
    /** An unanswered approval is denied after this many hours (default 72). */
    expiresAfterHours: z
      .number()
      .positive()
      .max(24 * 365)
      .default(72),
  })
  .strict();

export const branchStepSchema = z
  .object({
    ...common,
    kind: z.literal('branch'),
    /** A reference whose value picks the case. */
    on: z.string().min(1),
    /** Value → the steps (below this one) that run in that case. */
    cases: z.record(z.string(), z.array(stepId).min(1)),
    /** Steps that run when no case matches. */
    default: z.array(stepId).default([]),
  })
  .strict();

export const mapStepSchema = z
  .object({
    ...common,
    kind: z.literal('map'),
    /** A reference to a list; each element is `{{item}}` (and its position `{{index}}`) inside `do`. */
    over: z.string().min(1),
    concurrency: z.number().int().min(1).max(32).default(4),
    do: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('agent'), ...agentWork, output: jsonSchema.optional() }).strict(),
      z
        .object({
          kind: z.literal('tool'),
          tool: z.string().min(1),
          args: z.record(z.string(), z.unknown()).default({}),
          project: z.string().optional(),
        })
        .strict(),
    ]),
  })
  .strict();

export const joinStepSchema = z
  .object({
    ...common,
    kind: z.literal('join'),
    /** Steps whose outputs are gathered into one object keyed by step id (skipped steps left out). */
    from: z.array(stepId).min(1),
  })
  .strict();

export const reviewerStepSchema = z
  .object({
    ...common,
    kind: z.literal('reviewer'),
    /** The step whose output is checked against its task and contract. */
    reviews: stepId,
    agent: z.string().min(1).default('reviewer'),
    /** What the reviewer should look for, beyond the task and the contract. */
    criteria: z.string().optional(),
    /** `stop` (default): a failing review fails the pipeline; `continue`: the verdict flows on. */
    onFail: z.enum(['stop', 'continue']).default('stop'),
  })
  .strict();

export const pipelineStepSchema = z.discriminatedUnion('kind', [
  agentStepSchema,
  toolStepSchema,
  approvalStepSchema,
  branchStepSchema,
  mapStepSchema,
  joinStepSchema,
  reviewerStepSchema,
]);

export const pipelineDefinitionSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]*$/,
        'a pipeline name is lowercase letters, digits and "-", starting with a letter',
      ),
    description: z.string().min(1),
    /** JSON Schema of the pipeline input. */
    input: jsonSchema.default({ type: 'object' }),
    steps: z.array(pipelineStepSchema).min(1, 'a pipeline needs at least one step'),
    /** The step whose output is the pipeline's output (default: the last step that ran). */
    result: stepId.optional(),
  })
  .strict();

export type PipelineDefinition = z.output<typeof pipelineDefinitionSchema>;
export type PipelineDefinitionInput = z.input<typeof pipelineDefinitionSchema>;
export type PipelineStep = PipelineDefinition['steps'][number];
export type PipelineStepKind = PipelineStep['kind'];
export type MapStep = z.output<typeof mapStepSchema>;
export const pipelineStepKinds = ['agent', 'tool', 'approval', 'branch', 'map', 'join', 'reviewer'] as const;
