/**
 * A small glob matcher for model-written patterns (Node's `path.matchesGlob` is not stable on
 * every supported Node). A pattern without `/` matches file names anywhere (`*.md`); one with `/`
 * matches the whole project-relative path (`docs/*.md`). `*` and `?` stay within one path
 * segment, `**` crosses segments, `{a,b}` is either; matching ignores case.
 */
export function globMatcher(glob: string): (relativePath: string) => boolean {
  const pattern = glob.replace(/^\.\//, '');
  let source = '';
  let braceDepth = 0;
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern.charAt(index);
    if (character === '*' && pattern[index + 1] === '*') {
      const segmentEnd = pattern[index + 2] === '/';
      source += segmentEnd ? '(?:.*/)?' : '.*';
      index += segmentEnd ? 2 : 1;
    } else if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else if (character === '{') {
      braceDepth += 1;
      source += '(?:';
    } else if (character === '}' && braceDepth > 0) {
      braceDepth -= 1;
      source += ')';
    } else if (character === ',' && braceDepth > 0) source += '|';
    else source += character.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  // An unclosed brace is taken literally rather than producing an invalid expression.
  const expression = braceDepth === 0 ? new RegExp(`^${source}$`, 'i') : undefined;
  const literal = pattern.toLowerCase();
  const matchesWholePath = pattern.includes('/');
  return (relativePath) => {
    const subject = matchesWholePath ? relativePath : (relativePath.split('/').pop() ?? relativePath);
    return expression ? expression.test(subject) : subject.toLowerCase() === literal;
  };
}
