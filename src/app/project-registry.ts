import fs from 'node:fs';
import type { AgentDefinition } from '../domain/agent-definition.ts';
import { NovaError } from '../domain/nova-error.ts';
import { allowedProjectIds } from '../policy/tool-access.ts';
import type { ProjectRef } from '../tools/tool.ts';

export interface ProjectEntry {
  readonly id: string;
  readonly name: string;
  readonly root: string;
  readonly docs: readonly string[];
  readonly tags: readonly string[];
  readonly trust?: 'trusted' | 'untrusted';
}

/** The owner's projects from the config; agents see only those their policy allows. */
export class ProjectRegistry {
  readonly #projects: ReadonlyMap<string, ProjectEntry>;

  constructor(projects: readonly ProjectEntry[]) {
    this.#projects = new Map(projects.map((project) => [project.id, project]));
  }

  list(): ProjectEntry[] {
    return [...this.#projects.values()];
  }

  get(id: string): ProjectEntry {
    const project = this.#projects.get(id);
    if (!project) {
      const known = [...this.#projects.keys()];
      throw new NovaError(
        'NOT_FOUND',
        `unknown project "${id}"; ${known.length > 0 ? `registered projects: ${known.join(', ')}` : 'no projects are registered (add them under "projects" in nova.config.json)'}`,
        { details: { project: id } },
      );
    }
    return project;
  }

  /** The projects `agent` may touch, with roots resolved through symlinks for confinement checks. */
  forAgent(agent: AgentDefinition): ProjectRef[] {
    return this.#refs(allowedProjectIds(agent.policy, [...this.#projects.keys()]));
  }

  /** Every registered project, for steps the owner wrote (pipeline tool steps). */
  all(): ProjectRef[] {
    return this.#refs([...this.#projects.keys()]);
  }

  #refs(ids: readonly string[]): ProjectRef[] {
    return ids.map((id) => {
      const project = this.get(id);
      let root = project.root;
      try {
        root = fs.realpathSync(project.root);
      } catch {
        // A missing root stays as configured; file tools then report it as not found.
      }
      return {
        id,
        name: project.name,
        root,
        docs: project.docs,
        tags: project.tags,
        trust: project.trust ?? 'trusted',
      };
    });
  }

  /** Throws FORBIDDEN unless `agent` may work on project `id`. */
  assertAllowed(agent: AgentDefinition, id: string): void {
    this.get(id);
    if (!allowedProjectIds(agent.policy, [id]).includes(id)) {
      throw new NovaError(
        'FORBIDDEN',
        `agent "${agent.name}" may not work on project "${id}"; its policy allows: ${agent.policy.projects.join(', ') || 'no projects'}`,
        { details: { agent: agent.name, project: id } },
      );
    }
  }
}
