import path from 'node:path';
import { Command } from 'commander';
import { AgentDirectorySource } from '../../../adapters/fs/agent-directory-source.ts';
import { builtinToolNames } from '../../../composition/create-nova.ts';
import { formatProblem } from '../../../config/source-problem.ts';
import type { AgentDefinition } from '../../../domain/agent-definition.ts';
import { table } from '../format.ts';
import type { CommandContext } from '../main.ts';

export function agentsCommands(context: CommandContext): Command {
  const agents = new Command('agents').description('list, inspect and validate agent files');

  agents
    .command('list')
    .description('list the agents Nova knows')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const list = nova.app.catalog.list();
        const problems = nova.app.catalog.problems();
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ agents: list.map(summary), problems }, null, 2)}\n`);
          return;
        }
        context.io.writeOut(
          `${table([['NAME', 'DOMAIN', 'TOOLS', 'TITLE'], ...list.map((agent) => [agent.name, agent.domain, String(agent.policy.tools.length), agent.title])])}\n`,
        );
        context.io.writeError(`${list.length} agents from ${nova.app.catalog.location}\n`);
        reportProblems(
          context,
          problems.filter((problem) => problem.severity === 'error'),
        );
      } finally {
        await nova.close();
      }
    });

  agents
    .command('show')
    .description("print an agent's definition and effective policy")
    .argument('<name>', 'agent name')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const agent = nova.app.catalog.get(name);
        const projects = nova.app.projects.forAgent(agent).map((project) => project.id);
        const offered = nova.app.effectiveTools(agent.name);
        if (options.json) {
          context.io.writeOut(
            `${JSON.stringify({ ...agent, effectiveProjects: projects, effectiveTools: offered }, null, 2)}\n`,
          );
          return;
        }
        const { policy } = agent;
        context.io.writeOut(
          [
            `${agent.name} — ${agent.title} (${agent.domain})`,
            agent.description,
            '',
            `file        ${agent.sourcePath}`,
            `model       ${agent.model ?? '(default)'}`,
            `tools       ${policy.tools.join(', ') || 'none'}`,
            `offered     ${offered.map((tool) => `${tool.name} (${tool.effects.join('+')})`).join(', ') || 'none'}`,
            `effects     ${policy.effects.join(', ')}`,
            `projects    ${policy.projects.join(', ') || 'none'}${projects.length > 0 ? ` → ${projects.join(', ')}` : ''}`,
            `memory      read: ${policy.memory.read.join(', ') || 'none'} · write: ${policy.memory.write.join(', ') || 'none'}`,
            `delegates   ${policy.delegates.join(', ') || 'none'}`,
            `budget      ${policy.budget.maxSteps} steps · ${policy.budget.maxTokens} tokens · ${policy.budget.maxWallTimeMs / 1000} s · ${policy.budget.maxToolErrors} tool errors in a row`,
            ...(agent.outputContract ? [`output      ${JSON.stringify(agent.outputContract)}`] : []),
            '',
            `examples (${agent.examples.length})`,
            ...agent.examples.map((example) => `  - ${example}`),
            '',
            agent.instructions,
            '',
          ].join('\n'),
        );
      } finally {
        await nova.close();
      }
    });

  agents
    .command('validate')
    .description('check every agent file in a folder; exits 3 when any has an error')
    .argument('[dir]', 'folder of agent files (default: the configured agents folder)')
    .option('--json', 'print JSON')
    .action(async (directory: string | undefined, options: { json?: boolean }) => {
      let location = directory ? path.resolve(context.io.cwd, directory) : undefined;
      if (!location) {
        const nova = await context.openNova();
        location = nova.config.agentsDir;
        await nova.close();
      }
      const load = await new AgentDirectorySource(location, new Set(builtinToolNames)).load();
      const errors = load.problems.filter((problem) => problem.severity === 'error');
      if (options.json) {
        context.io.writeOut(
          `${JSON.stringify({ directory: location, valid: load.agents.map((agent) => agent.name), problems: load.problems }, null, 2)}\n`,
        );
      } else {
        for (const problem of load.problems) context.io.writeOut(`${formatProblem(problem)}\n`);
        const broken = new Set(errors.map((problem) => problem.file)).size;
        context.io.writeOut(`${load.agents.length} valid, ${broken} with errors in ${location}\n`);
      }
      if (errors.length > 0) context.setExitCode(3);
    });

  return agents;
}

function summary(agent: AgentDefinition) {
  return {
    name: agent.name,
    title: agent.title,
    domain: agent.domain,
    description: agent.description,
    examples: agent.examples,
    model: agent.model ?? null,
    tools: agent.policy.tools,
    effects: agent.policy.effects,
    projects: agent.policy.projects,
    delegates: agent.policy.delegates,
    file: agent.sourcePath,
  };
}

function reportProblems(
  context: CommandContext,
  problems: readonly Parameters<typeof formatProblem>[0][],
): void {
  if (problems.length === 0) return;
  context.io.writeError(`${problems.length} problem(s) kept some agents from loading:\n`);
  for (const problem of problems) context.io.writeError(`  ${formatProblem(problem)}\n`);
}
