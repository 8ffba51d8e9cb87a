import { describe, expect, it } from 'vitest';
import { globMatcher } from './glob-matcher.ts';

describe('globMatcher', () => {
  it('matches file names anywhere when the pattern has no slash', () => {
    const markdown = globMatcher('*.md');
    expect(markdown('README.md')).toBe(true);
    expect(markdown('docs/deep/plan.MD')).toBe(true);
    expect(markdown('docs/plan.mdx')).toBe(false);
    expect(globMatcher('plan?.md')('docs/plan2.md')).toBe(true);
  });

  it('matches whole paths when the pattern has a slash, with ** crossing folders', () => {
    const sources = globMatcher('src/**/*.ts');
    expect(sources('src/index.ts')).toBe(true);
    expect(sources('src/a/b/c.ts')).toBe(true);
    expect(sources('test/src/index.ts')).toBe(false);
    expect(globMatcher('docs/*.md')('docs/deep/plan.md')).toBe(false);
    expect(globMatcher('./docs/*.md')('docs/plan.md')).toBe(true);
  });

  it('supports alternatives and treats regex characters literally', () => {
    const scripts = globMatcher('*.{ts,tsx}');
    expect(scripts('view.tsx')).toBe(true);
    expect(scripts('view.js')).toBe(false);
    expect(globMatcher('a+b(1).txt')('a+b(1).txt')).toBe(true);
    expect(globMatcher('a+b(1).txt')('aab1.txt')).toBe(false);
    expect(globMatcher('{broken')('{broken')).toBe(true);
  });
});
