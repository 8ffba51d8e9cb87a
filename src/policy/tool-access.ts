import type { AgentPolicy } from '../domain/agent-definition.ts';
import type { Effect } from '../domain/effect.ts';

export type ToolAccess = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Whether an agent's policy lets it call a tool with the given effects. Enforced by the runtime
 * at every call, whatever the model asks for; a refusal is returned to the model as a tool error.
 */
export function evaluateToolAccess(
  agentName: string,
  policy: AgentPolicy,
  tool: { readonly name: string; readonly effects: readonly Effect[] },
): ToolAccess {
  if (!policy.tools.includes(tool.name)) {
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
  return { allowed: true };
}

/** Project ids the policy grants, out of the registered ones. `*` grants all. */
export function allowedProjectIds(policy: AgentPolicy, registered: readonly string[]): string[] {
  if (policy.projects.includes('*')) return [...registered];
  return registered.filter((id) => policy.projects.includes(id));
}
