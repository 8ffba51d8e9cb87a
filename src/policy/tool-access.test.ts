import { describe, expect, it } from 'vitest';
import { defaultBudget } from '../domain/budget.ts';
import type { AgentPolicy } from '../domain/agent-definition.ts';
import { evaluateToolAccess, matchesToolPattern } from './tool-access.ts';

const policy = (tools: string[], effects: AgentPolicy['effects']): AgentPolicy => ({
  tools,
  effects,
  projects: [],
  memory: { read: [], write: [] },
  delegates: [],
  budget: defaultBudget,
});

describe('tool access', () => {
  it('matches names exactly and patterns with *', () => {
    expect(matchesToolPattern('project_*', 'project_read_file')).toBe(true);
    expect(matchesToolPattern('project_*', 'notes_add')).toBe(false);
    expect(matchesToolPattern('notes_add', 'notes_add_more')).toBe(false);
    expect(matchesToolPattern('*_search', 'project_search')).toBe(true);
  });

  it('allows a tool the policy names or matches, within its effects, saying which entry allowed it', () => {
    const access = evaluateToolAccess('a', policy(['project_*'], ['read']), {
      name: 'project_search',
      effects: ['read'],
    });
    expect(access).toEqual({ allowed: true, matchedBy: 'project_*' });
  });

  it('refuses tools not listed, effects not allowed, and what the global policy denies', () => {
    expect(
      evaluateToolAccess('a', policy(['notes_search'], ['read']), { name: 'notes_add', effects: ['write'] }),
    ).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('may not use tool "notes_add"'),
    });
    expect(
      evaluateToolAccess('a', policy(['notes_*'], ['read']), { name: 'notes_add', effects: ['write'] }),
    ).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('has effect write, which agent "a" may not cause'),
    });
    const global = { denyTools: ['shell_*'], effects: ['read', 'write'] as const };
    expect(
      evaluateToolAccess(
        'a',
        policy(['*'], ['read', 'write', 'exec', 'external']),
        { name: 'shell_exec', effects: ['exec'] },
        { ...global, effects: [...global.effects] },
      ),
    ).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('denied to every agent by the config (policy.denyTools: "shell_*")'),
    });
    expect(
      evaluateToolAccess(
        'a',
        policy(['*'], ['read', 'external']),
        { name: 'http_post', effects: ['external'] },
        { denyTools: [], effects: ['read'] },
      ),
    ).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('which the config allows no agent'),
    });
  });
});
