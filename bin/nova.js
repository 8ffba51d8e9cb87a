#!/usr/bin/env node
// Entry point for the `nova` command. Nova's sources are TypeScript run directly by Node 24's
// type stripping, so there is no build step; this shim only checks the runtime first.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `nova: Node.js 24 or newer is required (this is ${process.version}).\n` +
      'Run Nova through npm so the pinned Node 24 from devDependencies is used:\n' +
      '  npm install && npx nova <command>\n',
  );
  process.exit(1);
}
// node:sqlite works well on Node 24 but still announces itself as experimental on every start;
// that line would only confuse people reading Nova's output, so it alone is dropped.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (typeof text === 'string' && text.includes('SQLite is an experimental feature')) return;
  emitWarning(warning, ...rest);
};
// Node keeps the type-stripped and compiled modules in Nova's cache folder (NODE_COMPILE_CACHE
// wins; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later starts skip most of that work: about
// half of a start. Not the shared temp folder: compiled code must come from a folder only this
// user can write. It never throws; a cache that cannot be used only means a slower start.
const { enableCompileCache } = await import('node:module');
const { defaultCacheDir } = await import('../src/adapters/fs/file-ranker-cache.ts');
const { join } = await import('node:path');
enableCompileCache?.(process.env.NODE_COMPILE_CACHE || join(defaultCacheDir(), 'compile'));
const { main } = await import('../src/interfaces/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
