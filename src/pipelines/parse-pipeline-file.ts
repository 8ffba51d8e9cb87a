import {
  parseLocatedDocument,
  problemsFromZodIssues,
  formatProblem,
  type LocatedDocument,
  type SourceProblem,
} from '../config/source-problem.ts';
import { closestMatch } from '../domain/closest-match.ts';
import { NovaError } from '../domain/nova-error.ts';
import { compileContract } from '../runtime/output-contract.ts';
import {
  pipelineDefinitionSchema,
  type PipelineDefinition,
  type PipelineDefinitionInput,
} from './pipeline-definition.ts';
import { findReferences } from './references.ts';

export interface PipelineCheckOptions {
  /** Agents that exist; steps naming others are errors. Unchecked when absent. */
  readonly agents?: ReadonlySet<string>;
  /** Tools that exist; tool steps naming others are errors. Unchecked when absent. */
  readonly tools?: ReadonlySet<string>;
}

export interface ParsedPipelineFile {
  /** Present when the file has no errors. */
  readonly pipeline?: PipelineDefinition;
  readonly problems: readonly SourceProblem[];
}

type Locate = (path: readonly PropertyKey[]) => number;

/** Checks what the schema cannot: ids, references, order, agents, tools and contracts. */
function checkSemantics(
  pipeline: PipelineDefinition,
  file: string,
  lineOf: Locate,
  options: PipelineCheckOptions,
): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const problem = (path: readonly PropertyKey[], message: string): void => {
    problems.push({
      file,
      line: lineOf(path),
      field: path.map(String).join('.'),
      message,
      severity: 'error',
    });
  };
  const ids = pipeline.steps.map((step) => step.id);
  const positionOf = new Map<string, number>();
  pipeline.steps.forEach((step, index) => {
    if (positionOf.has(step.id))
      problem(['steps', index, 'id'], `step id "${step.id}" is used twice; ids must be unique`);
    else positionOf.set(step.id, index);
  });
  const unknownStep = (id: string): string => {
    const suggestion = closestMatch(id, ids);
    return `there is no step "${id}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
  };
  const checkAgent = (path: readonly PropertyKey[], agent: string): void => {
    // `{{item.agent}}`: chosen at run time, checked then.
    if (agent.includes('{{')) return;
    if (options.agents && !options.agents.has(agent)) {
      const suggestion = closestMatch(agent, [...options.agents]);
      problem(
        path,
        `there is no agent "${agent}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; see nova agents list`,
      );
    }
  };
  const checkTool = (path: readonly PropertyKey[], tool: string): void => {
    if (options.tools && !options.tools.has(tool)) {
      const suggestion = closestMatch(tool, [...options.tools]);
      problem(path, `there is no tool "${tool}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
    }
  };
  const checkContract = (path: readonly PropertyKey[], schema: Record<string, unknown> | undefined): void => {
    if (!schema) return;
    try {
      compileContract(schema);
    } catch (error) {
      problem(path, `is not a valid JSON Schema: ${(error as Error).message}`);
    }
  };
  /** References in `value` (at `path`) may point only at steps above `index`. */
  const checkReferences = (
    index: number,
    path: readonly PropertyKey[],
    value: unknown,
    insideMap: boolean,
  ): void => {
    for (const reference of findReferences(value)) {
      if ('error' in reference) {
        problem(path, reference.error);
        continue;
      }
      if ((reference.root === 'item' || reference.root === 'index') && !insideMap) {
        problem(path, `{{${reference.text}}} is only defined inside a map step's "do"`);
      }
      if (reference.root === 'steps' && reference.stepId !== undefined) {
        const position = positionOf.get(reference.stepId);
        if (position === undefined) problem(path, `{{${reference.text}}}: ${unknownStep(reference.stepId)}`);
        else if (position >= index) {
          problem(
            path,
            `{{${reference.text}}}: step "${reference.stepId}" runs ${position === index ? 'as this step' : 'after this one'}; a step can only read steps above it`,
          );
        }
      }
    }
  };
  const checkLaterSteps = (index: number, path: readonly PropertyKey[], targets: readonly string[]): void => {
    for (const target of targets) {
      const position = positionOf.get(target);
      if (position === undefined) problem(path, unknownStep(target));
      else if (position <= index)
        problem(path, `step "${target}" must come after the branch that chooses it`);
    }
  };
  const checkEarlierStep = (index: number, path: readonly PropertyKey[], target: string): void => {
    const position = positionOf.get(target);
    if (position === undefined) problem(path, unknownStep(target));
    else if (position >= index) problem(path, `step "${target}" must come before this step`);
  };

  pipeline.steps.forEach((step, index) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['steps', index, ...rest];
    checkContract(at('output'), step.output);
    switch (step.kind) {
      case 'agent':
        checkAgent(at('agent'), step.agent);
        checkReferences(index, at('agent'), step.agent, false);
        checkReferences(index, at('task'), step.task, false);
        checkReferences(index, at('project'), step.project, false);
        break;
      case 'tool':
        checkTool(at('tool'), step.tool);
        checkReferences(index, at('args'), step.args, false);
        checkReferences(index, at('project'), step.project, false);
        break;
      case 'approval':
        checkReferences(index, at('message'), step.message, false);
        checkReferences(index, at('show'), step.show, false);
        break;
      case 'branch':
        checkReferences(index, at('on'), step.on, false);
        for (const [value, targets] of Object.entries(step.cases))
          checkLaterSteps(index, at('cases', value), targets);
        checkLaterSteps(index, at('default'), step.default);
        break;
      case 'map':
        checkReferences(index, at('over'), step.over, false);
        if (step.do.kind === 'agent') {
          checkAgent(at('do', 'agent'), step.do.agent);
          checkReferences(index, at('do', 'agent'), step.do.agent, true);
          checkReferences(index, at('do', 'task'), step.do.task, true);
          checkContract(at('do', 'output'), step.do.output);
        } else {
          checkTool(at('do', 'tool'), step.do.tool);
          checkReferences(index, at('do', 'args'), step.do.args, true);
        }
        checkReferences(index, at('do', 'project'), step.do.project, true);
        break;
      case 'join':
        step.from.forEach((target, position) => checkEarlierStep(index, at('from', position), target));
        break;
      case 'reviewer':
        checkAgent(at('agent'), step.agent);
        checkEarlierStep(index, at('reviews'), step.reviews);
        break;
    }
  });
  if (pipeline.result !== undefined && !positionOf.has(pipeline.result))
    problem(['result'], unknownStep(pipeline.result));
  return problems;
}

/**
 * Parses `pipelines/<name>.yaml` (JSON works too). Pure: the caller reads the file. Every problem
 * names the file, the line and the field; a broken file yields problems, never an exception.
 */
export function parsePipelineFile(
  text: string,
  file: string,
  options: PipelineCheckOptions = {},
): ParsedPipelineFile {
  const document: LocatedDocument = parseLocatedDocument(text);
  if (document.syntaxProblems.length > 0) {
    return {
      problems: document.syntaxProblems.map((syntax) => ({
        file,
        line: syntax.line,
        field: '',
        message: `YAML syntax: ${syntax.message}`,
        severity: 'error' as const,
      })),
    };
  }
  const parsed = pipelineDefinitionSchema.safeParse(document.value);
  if (!parsed.success) return { problems: problemsFromZodIssues(file, document, parsed.error.issues) };
  const problems = checkSemantics(parsed.data, file, (path) => document.lineOf(path), options);
  return problems.length > 0 ? { problems } : { pipeline: parsed.data, problems };
}

/**
 * The TypeScript way to write a pipeline: the same checks as a file, failing with CONFIG_INVALID
 * naming the field.
 */
export function definePipeline(
  definition: PipelineDefinitionInput,
  options: PipelineCheckOptions = {},
): PipelineDefinition {
  const source = `pipeline ${definition.name}`;
  const noLines = { value: definition, syntaxProblems: [], lineOf: () => 0 } satisfies LocatedDocument;
  const parsed = pipelineDefinitionSchema.safeParse(definition);
  const problems = parsed.success
    ? checkSemantics(parsed.data, source, () => 0, options)
    : problemsFromZodIssues(source, noLines, parsed.error.issues);
  if (!parsed.success || problems.length > 0) {
    throw new NovaError(
      'CONFIG_INVALID',
      `${source} is invalid: ${problems.map((item) => `${item.field}: ${item.message}`).join('; ')}`,
      {
        details: { problems: problems.map(formatProblem) },
      },
    );
  }
  return parsed.data;
}
