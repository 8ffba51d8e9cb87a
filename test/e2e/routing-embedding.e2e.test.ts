import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, runCli } from '../support/run-cli.ts';

const helloModel = `scripted:${path.join(repoRoot, 'examples/hello.json')}`;

let workspace: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  workspace = makeWorkspace();
});
afterEach(() => workspace.cleanup());

describe('training the router, end to end', () => {
  it('says so once while it trains, then restores the trained ranker from the cache silently', async () => {
    const env = { NOVA_CACHE_DIR: path.join(workspace.dir, 'cache') };
    const first = await runCli(['route', 'translate the welcome email into Dutch'], {
      cwd: workspace.dir,
      env,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      /^nova: training the router on 34 agents \(once after the agent files change; it is cached in .*cache\)…$/m,
    );
    expect(first.stdout).toMatch(/^translator \(confidence/);
    expect(
      fs.readdirSync(path.join(workspace.dir, 'cache', 'router')).filter((name) => name.endsWith('.ranker')),
    ).toHaveLength(1);
    const second = await runCli(['route', 'translate the welcome email into Dutch'], {
      cwd: workspace.dir,
      env,
    });
    expect(second.stderr).not.toContain('training the router');
    expect(second.stdout).toBe(first.stdout);
  });
});

describe('routing with an embedding model (routing.embeddingModel), end to end', () => {
  it('routes by embedding similarity what the ranker was unsure about, and says so', async () => {
    // A ranker that is never sure (threshold 1) leaves every request to the embedding strategy.
    fs.writeFileSync(
      path.join(workspace.dir, 'nova.config.json'),
      JSON.stringify({
        routing: { embeddingModel: 'glove:50k', confidenceThreshold: 1, modelTieBreak: false },
      }),
    );
    const env = { NOVA_MODEL: helloModel };
    const asked = await runCli(['ask', 'please translate this short welcome text into German'], {
      cwd: workspace.dir,
      env,
    });
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).toMatch(
      /→ translator \(confidence \d\.\d\d; .*embedding \(glove:[0-9a-f]+\): nearest to the examples of translator/,
    );
    const runId = /run (run_\w+) succeeded/.exec(asked.stderr)?.[1];
    const shown = JSON.parse(
      (await runCli(['runs', 'show', runId ?? '', '--json'], { cwd: workspace.dir, env })).stdout,
    ) as { run: { task: { routing: { agent: string; strategy: string; reasons: string[] } } } };
    expect(shown.run.task.routing).toMatchObject({ agent: 'translator', strategy: 'embedding' });
    expect(shown.run.task.routing.reasons[0]).toMatch(/^not sure: best confidence/);

    // `nova route` stays offline: the ranker alone, which is unsure, so it asks.
    const routed = await runCli(['route', 'please translate this short welcome text into German', '--json'], {
      cwd: workspace.dir,
      env,
    });
    expect(JSON.parse(routed.stdout)).toMatchObject({ kind: 'clarification' });
  });

  it('refuses an unknown embedding model with the setting and what would be right', async () => {
    fs.writeFileSync(
      path.join(workspace.dir, 'nova.config.json'),
      JSON.stringify({ routing: { embeddingModel: 'glove:300d' } }),
    );
    const asked = await runCli(['ask', 'translate this into German'], {
      cwd: workspace.dir,
      env: { NOVA_MODEL: helloModel },
    });
    expect(asked.code).not.toBe(0);
    expect(asked.stderr).toContain('unknown word vectors "glove:300d": use glove:50k (shipped)');
  });
});
