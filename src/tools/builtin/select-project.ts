import { NovaError } from '../../domain/nova-error.ts';
import type { ProjectRef, ToolContext } from '../tool.ts';

function allowedList(context: ToolContext): string {
  return context.projects.map((project) => project.id).join(', ') || 'none';
}

/** Finds a project by id among those the agent may touch; any other id is refused. */
export function allowedProject(context: ToolContext, id: string): ProjectRef {
  const project = context.projects.find((candidate) => candidate.id === id);
  if (!project) {
    throw new NovaError(
      'FORBIDDEN',
      `agent "${context.agent}" may not access project "${id}"; allowed: ${allowedList(context)}`,
      { details: { agent: context.agent, project: id } },
    );
  }
  return project;
}

/**
 * The project a tool call is about: the one named, else the task's project, else the only one
 * the agent may touch. Naming a project outside the agent's policy is refused.
 */
export function selectProject(context: ToolContext, requested: string | undefined): ProjectRef {
  const id =
    requested ??
    context.defaultProjectId ??
    (context.projects.length === 1 ? context.projects[0]?.id : undefined);
  if (id === undefined) {
    throw new NovaError(
      'BAD_REQUEST',
      context.projects.length === 0
        ? `agent "${context.agent}" has no projects it may access, so project tools cannot be used in this run`
        : `this call needs a project: pass "project" as one of ${allowedList(context)}`,
      { details: { agent: context.agent, allowed: context.projects.map((project) => project.id) } },
    );
  }
  return allowedProject(context, id);
}

/** The trust of what a project tool returns: that of the project it read (trusted when unclear). */
export function projectTrust(context: ToolContext, requested: string | undefined): 'trusted' | 'untrusted' {
  try {
    return selectProject(context, requested).trust ?? 'trusted';
  } catch {
    // The call was refused, so nothing was read.
    return 'trusted';
  }
}
