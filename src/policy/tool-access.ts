import type { AgentPolicy } from '../domain/agent-definition.ts';
import { effects as allEffects, type Effect } from '../domain/effect.ts';

export type ToolAccess =
  | { readonly allowed: true; readonly matchedBy: string }
  | { readonly allowed: false; readonly reason: string };

/**
 * The owner's ceiling over every agent (config `policy`): tools no agent may use, by name or
 * pattern, and the effects any agent may cause at all.
 */
export interface GlobalPolicy {
  readonly denyTools: readonly string[];
  readonly effects: readonly Effect[];
}

export const openGlobalPolicy: GlobalPolicy = { denyTools: [], effects: allEffects };

/** `project_*` matches `project_read_file`; a name without `*` matches only itself. */
export function matchesToolPattern(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const expression = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return expression.test(name);
}

/**
 * Whether an agent's policy (and the owner's global policy) lets it call a tool with the given
 * effects. Enforced by the runtime at every call, whatever the model asks for; a refusal is
 * returned to the model as a tool error.
 */
export function evaluateToolAccess(
  agentName: string,
  policy: AgentPolicy,
  tool: { readonly name: string; readonly effects: readonly Effect[] },
  global: GlobalPolicy = openGlobalPolicy,
): ToolAccess {
  const denied = global.denyTools.find((pattern) => matchesToolPattern(pattern, tool.name));
  if (denied !== undefined) {
    return {
      allowed: false,
      reason: `tool "${tool.name}" is denied to every agent by the config (policy.denyTools: "${denied}")`,
    };
  }
  const matchedBy = policy.tools.find((pattern) => matchesToolPattern(pattern, tool.name));
  if (matchedBy === undefined) {
    return {
      allowed: false,
      reason: `agent "${agentName}" may not use tool "${tool.name}"; its policy allows: ${policy.tools.join(', ') || 'no tools'}`,
    };
  }
  const refused = tool.effects.filter((effect) => !policy.effects.includes(effect));
  if (refused.length > 0) {
    return {
      allowed: false,
      reason: `tool "${tool.name}" has effect ${refused.join(', ')}, which agent "${agentName}" may not cause (allowed effects: ${policy.effects.join(', ')})`,
    };
  }
  const beyondGlobal = tool.effects.filter((effect) => !global.effects.includes(effect));
  if (beyondGlobal.length > 0) {
    return {
      allowed: false,
      reason: `tool "${tool.name}" has effect ${beyondGlobal.join(', ')}, which the config allows no agent (policy.effects: ${global.effects.join(', ')})`,
    };
  }
  return { allowed: true, matchedBy };
}

/** Project ids the policy grants, out of the registered ones. `*` grants all. */
export function allowedProjectIds(policy: AgentPolicy, registered: readonly string[]): string[] {
  if (policy.projects.includes('*')) return [...registered];
  return registered.filter((id) => policy.projects.includes(id));
}
