import path from 'node:path';
import { defaultBudget, type Budget } from '../domain/budget.ts';
import type { AgentDefinition } from '../domain/agent-definition.ts';
import type { Effect } from '../domain/effect.ts';
import { parseLocatedDocument, problemsFromZodIssues, type SourceProblem } from '../config/source-problem.ts';
import { closestMatch } from '../domain/closest-match.ts';
import { toolCatalog } from '../tools/tool-catalog.ts';
import { matchesToolPattern } from '../policy/tool-access.ts';
import { compileContract } from '../runtime/output-contract.ts';
import { agentFrontMatterSchema, type AgentFrontMatter } from './agent-front-matter.ts';

export interface ParsedAgentFile {
  /** Present when the file has no errors (warnings allowed). */
  readonly agent?: AgentDefinition;
  readonly problems: readonly SourceProblem[];
}

export interface ParseAgentFileOptions {
  /** Tools that exist in this build; catalog tools not in it only warn. */
  readonly availableTools: ReadonlySet<string>;
}

const frontMatterPattern = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * Parses `agents/<name>.md`. Pure: the caller reads the file. Every problem names the file, the
 * line and the field; one broken file yields problems, never an exception.
 */
export function parseAgentFile(text: string, sourcePath: string, options: ParseAgentFileOptions): ParsedAgentFile {
  const file = sourcePath;
  const match = frontMatterPattern.exec(text);
  if (!match) {
    return {
      problems: [
        {
          file,
          line: 1,
          field: '',
          message:
            'missing YAML front matter: the file must start with a line `---`, then fields such as `name:`, then a closing `---` line, then the instructions',
          severity: 'error',
        },
      ],
    };
  }
  const frontMatterText = match[1] ?? '';
  const document = parseLocatedDocument(frontMatterText, 2);
  if (document.syntaxProblems.length > 0) {
    return {
      problems: document.syntaxProblems.map((problem) => ({
        file,
        line: problem.line,
        field: '',
        message: `YAML syntax: ${problem.message}`,
        severity: 'error' as const,
      })),
    };
  }
  if (typeof document.value !== 'object' || document.value === null || Array.isArray(document.value)) {
    return {
      problems: [{ file, line: 2, field: '', message: 'front matter must be a mapping of fields', severity: 'error' }],
    };
  }
  const parsed = agentFrontMatterSchema.safeParse(document.value);
  if (!parsed.success) return { problems: problemsFromZodIssues(file, document, parsed.error.issues) };

  const frontMatter = parsed.data;
  const problems = checkSemantics(frontMatter, file, (fieldPath) => document.lineOf(fieldPath), options);
  const instructions = text.slice(match[0].length).trim();
  if (instructions.length === 0) {
    const line = text.slice(0, match[0].length).split('\n').length;
    problems.push({
      file,
      line,
      field: '',
      message: 'no instructions: write what the agent does as Markdown below the front matter',
      severity: 'error',
    });
  }
  if (problems.some((problem) => problem.severity === 'error')) return { problems };
  return { agent: toDefinition(frontMatter, instructions, sourcePath), problems };
}

function checkSemantics(
  frontMatter: AgentFrontMatter,
  file: string,
  lineOf: (fieldPath: readonly PropertyKey[]) => number,
  options: ParseAgentFileOptions,
): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const expectedName = path.basename(file, '.md');
  if (frontMatter.name !== expectedName) {
    problems.push({
      file,
      line: lineOf(['name']),
      field: 'name',
      message: `is "${frontMatter.name}" but the file is ${expectedName}.md; they must match`,
      severity: 'error',
    });
  }
  const allowedEffects = new Set<Effect>(frontMatter.effects);
  frontMatter.tools.forEach((toolName, index) => {
    const fieldPath = ['tools', index];
    if (toolName.includes('*')) {
      // A pattern: it must match something, and every tool it matches must fit the effects.
      const matched = toolCatalog.filter((candidate) => matchesToolPattern(toolName, candidate.name));
      if (matched.length === 0) {
        problems.push({ file, line: lineOf(fieldPath), field: `tools.${index}`, message: `the pattern "${toolName}" matches no tool`, severity: 'error' });
      }
      const beyond = matched.filter((candidate) => candidate.effects.some((effect) => !allowedEffects.has(effect)));
      if (beyond.length > 0) {
        problems.push({
          file,
          line: lineOf(fieldPath),
          field: `tools.${index}`,
          message: `the pattern "${toolName}" matches ${beyond.map((candidate) => candidate.name).join(', ')}, whose effects \`effects\` does not allow; those stay unavailable`,
          severity: 'warning',
        });
      }
      return;
    }
    const entry = toolCatalog.find((candidate) => candidate.name === toolName);
    if (!entry) {
      const suggestion = closestMatch(
        toolName,
        toolCatalog.map((candidate) => candidate.name),
      );
      problems.push({
        file,
        line: lineOf(fieldPath),
        field: `tools.${index}`,
        message: `unknown tool "${toolName}"${suggestion ? `; did you mean "${suggestion}"?` : ''} Known tools: ${toolCatalog.map((candidate) => candidate.name).join(', ')}`,
        severity: 'error',
      });
      return;
    }
    const missing = entry.effects.filter((effect) => !allowedEffects.has(effect));
    if (missing.length > 0) {
      problems.push({
        file,
        line: lineOf(fieldPath),
        field: `tools.${index}`,
        message: `tool "${toolName}" has effect ${missing.join(', ')}, which \`effects\` does not allow; add it to effects or remove the tool`,
        severity: 'error',
      });
    }
    if (!options.availableTools.has(toolName)) {
      problems.push({
        file,
        line: lineOf(fieldPath),
        field: `tools.${index}`,
        message: `tool "${toolName}" is not available in this version of Nova yet; the agent runs without it`,
        severity: 'warning',
      });
    }
  });
  if (frontMatter.delegates.length > 0 && !frontMatter.tools.some((pattern) => matchesToolPattern(pattern, 'delegate'))) {
    problems.push({
      file,
      line: lineOf(['delegates']),
      field: 'delegates',
      message: 'lists delegation targets but `tools` does not include `delegate`',
      severity: 'warning',
    });
  }
  if (frontMatter.output) {
    try {
      compileContract(frontMatter.output);
    } catch (error) {
      problems.push({
        file,
        line: lineOf(['output']),
        field: 'output',
        message: `is not a valid JSON Schema: ${(error as Error).message}`,
        severity: 'error',
      });
    }
  }
  if (frontMatter.delegates.includes(frontMatter.name)) {
    problems.push({
      file,
      line: lineOf(['delegates']),
      field: 'delegates',
      message: 'an agent may not delegate to itself',
      severity: 'error',
    });
  }
  return problems;
}

function toDefinition(frontMatter: AgentFrontMatter, instructions: string, sourcePath: string): AgentDefinition {
  const budget: Budget = {
    maxSteps: frontMatter.budget.steps ?? defaultBudget.maxSteps,
    maxTokens: frontMatter.budget.tokens ?? defaultBudget.maxTokens,
    maxWallTimeMs: (frontMatter.budget.wallTimeSeconds ?? defaultBudget.maxWallTimeMs / 1000) * 1000,
    maxToolErrors: frontMatter.budget.toolErrors ?? defaultBudget.maxToolErrors,
    ...(frontMatter.budget.costUsd === undefined ? {} : { maxCostUsd: frontMatter.budget.costUsd }),
  };
  return {
    name: frontMatter.name,
    title: frontMatter.title,
    domain: frontMatter.domain,
    description: frontMatter.description.trim(),
    examples: frontMatter.examples,
    ...(frontMatter.model === undefined ? {} : { model: frontMatter.model }),
    policy: {
      tools: frontMatter.tools,
      effects: frontMatter.effects,
      projects: frontMatter.projects,
      memory: frontMatter.memory,
      delegates: frontMatter.delegates,
      budget,
    },
    ...(frontMatter.output === undefined ? {} : { outputContract: frontMatter.output }),
    instructions,
    sourcePath,
  };
}
