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
const { main } = await import('../src/interfaces/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
