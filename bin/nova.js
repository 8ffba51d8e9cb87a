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
const { main } = await import('../src/interfaces/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
