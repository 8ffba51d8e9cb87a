import { NovaError } from '../../domain/nova-error.ts';
import type { ProjectRef, ToolContext } from '../tool.ts';

/**
 * The project a tool call is about: the one named, else the task's project, else the only one
 * the agent may touch. Naming a project outside the agent's policy is refused.
 */
export function selectProject(context: ToolContext, requested: string | undefined): ProjectRef {
  const allowed = context.projects.map((project) => project.id);
  const id =
    requested ??
    context.defaultProjectId ??
    (context.projects.length === 1 ? context.projects[0]?.id : undefined);
  if (id === undefined) {
    throw new NovaError(
      'BAD_REQUEST',
      allowed.length === 0
        ? `agent "${context.agent}" has no projects it may access`
        : `say which project with "project": one of ${allowed.join(', ')}`,
    );
  }
  const project = context.projects.find((candidate) => candidate.id === id);
  if (!project) {
    throw new NovaError(
      'FORBIDDEN',
      `agent "${context.agent}" may not access project "${id}"; allowed: ${allowed.join(', ') || 'none'}`,
      { details: { project: id } },
    );
  }
  return project;
}
