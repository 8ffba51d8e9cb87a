import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, runCli, spawnCli, waitFor } from '../support/run-cli.ts';

const helloModel = `scripted:${path.join(repoRoot, 'examples/hello.json')}`;

let workspace: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  workspace = makeWorkspace();
});
afterEach(() => workspace.cleanup());

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: workspace.dir, env });
}

describe('nova CLI, end to end', () => {
  it('asks the assistant with a scripted model: the answer after a tool call, both steps in runs show', async () => {
    const asked = await cli(['ask', 'hello, what can you do?', '--agent', 'assistant'], {
      NOVA_MODEL: helloModel,
    });
    expect(asked.stderr).toContain('→ notes_search');
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toMatch(/scripted/i);
    const runId = /run (run_\w+) succeeded/.exec(asked.stderr)?.[1];
    expect(runId).toBeDefined();

    const shown = await cli(['runs', 'show', runId!]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('status   succeeded');
    expect(shown.stdout).toMatch(/#1 ✓ model-call scripted:/);
    expect(shown.stdout).toMatch(/#2 ✓ tool-call notes_search/);
    expect(shown.stdout).toMatch(/#3 ✓ model-call scripted:/);
    expect(shown.stdout).toContain('"query":"welcome"');

    const json = JSON.parse((await cli(['runs', 'show', runId!, '--json'])).stdout) as {
      steps: unknown[];
      run: { id: string };
    };
    expect(json.run.id).toBe(runId);
    expect(json.steps).toHaveLength(3);
    const listed = JSON.parse((await cli(['runs', 'list', '--json'])).stdout) as {
      runs: Array<{ id: string }>;
    };
    expect(listed.runs.map((run) => run.id)).toContain(runId);
  });

  it('gives --json output a script can read', async () => {
    const asked = await cli(['ask', 'hello', '--agent', 'assistant', '--json'], { NOVA_MODEL: helloModel });
    expect(asked.code).toBe(0);
    const result = JSON.parse(asked.stdout) as {
      status: string;
      agent: string;
      steps: number;
      output: string;
    };
    expect(result).toMatchObject({ status: 'succeeded', agent: 'assistant', steps: 3 });
    expect(result.output).toMatch(/scripted/i);
  });

  it('lists the 34 shipped agents as valid, each with at least 10 examples', async () => {
    const listed = await cli(['agents', 'list', '--json']);
    expect(listed.code).toBe(0);
    const { agents, problems } = JSON.parse(listed.stdout) as {
      agents: Array<{ name: string; examples: string[] }>;
      problems: Array<{ severity: string }>;
    };
    expect(agents).toHaveLength(34);
    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    for (const agent of agents) expect(agent.examples.length, agent.name).toBeGreaterThanOrEqual(10);
    const validated = await cli(['agents', 'validate', path.join(repoRoot, 'agents')]);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('34 valid, 0 with errors');
  });

  it('reports a broken agent file by file, line and field without taking the others down', async () => {
    const agentsDir = path.join(workspace.dir, 'agents');
    fs.mkdirSync(agentsDir);
    fs.copyFileSync(path.join(repoRoot, 'agents/assistant.md'), path.join(agentsDir, 'assistant.md'));
    fs.writeFileSync(
      path.join(agentsDir, 'broken.md'),
      '---\nname: broken\ntitle: Broken\ndomain: sales\ndescription: An agent whose domain is not one Nova knows.\nexamples: [x y z]\n---\nDo things.\n',
    );
    const validated = await cli(['agents', 'validate']);
    expect(validated.code).toBe(3);
    expect(validated.stdout).toContain(`${path.join(agentsDir, 'broken.md')}:4: domain:`);
    expect(validated.stdout).toContain('1 valid, 1 with errors');

    const listed = await cli(['agents', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('assistant');
    expect(listed.stderr).toContain('broken.md:4');

    const asked = await cli(['ask', 'hi', '--agent', 'broken'], { NOVA_MODEL: helloModel });
    expect(asked.code).toBe(3);
    expect(asked.stderr).toContain('agent "broken" is defined but its file has errors');
  });

  it('says clearly when the agent is unknown or no model is configured', async () => {
    const unknown = await cli(['ask', 'hi', '--agent', 'asistant'], { NOVA_MODEL: helloModel });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('unknown agent "asistant". Did you mean "assistant"?');

    const noModel = await cli(['ask', 'hi', '--agent', 'assistant']);
    expect(noModel.code).toBe(5);
    expect(noModel.stderr).toContain('NOVA_MODEL=');
    expect(noModel.stderr).toContain('scripted:examples/hello.json');

    const usage = await cli(['ask']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'task'");
  });

  it('keeps a run killed mid-way: it shows as interrupted with the steps done so far', async () => {
    const script = path.join(workspace.dir, 'slow.json');
    fs.writeFileSync(
      script,
      JSON.stringify({
        responses: [
          { toolCalls: [{ name: 'notes_search', args: { query: 'x' } }] },
          { delayMs: 60_000, text: 'too late' },
        ],
      }),
    );
    const child = spawnCli(['ask', 'take your time', '--agent', 'assistant'], {
      cwd: workspace.dir,
      env: { NOVA_MODEL: `scripted:${script}` },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes('✓ notes_search'), 20_000, 'the tool call to finish');
    const runId = /(run_\w+)/.exec(stderr)?.[1];
    // Kill it while the second model call is in flight: once the journal shows that call started.
    const stepsRecorded = async () =>
      (JSON.parse((await cli(['runs', 'show', runId!, '--json'])).stdout) as { steps: unknown[] }).steps
        .length;
    for (let attempt = 0; attempt < 100 && (await stepsRecorded()) < 3; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));

    const shown = await cli(['runs', 'show', runId!, '--json']);
    const { run, steps } = JSON.parse(shown.stdout) as {
      run: { status: string };
      steps: Array<{ seq: number; status: string }>;
    };
    expect(run.status).toBe('interrupted');
    expect(steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded', 'started']);
    expect((await cli(['runs', 'show', runId!])).stdout).toContain('did not finish');
  });

  it('doctor reports each part and whether the model answers', async () => {
    const doctor = await cli(['doctor', '--json'], { NOVA_MODEL: helloModel });
    expect(doctor.code).toBe(0);
    const { checks } = JSON.parse(doctor.stdout) as {
      checks: Array<{ name: string; status: string; detail: string }>;
    };
    expect(checks.map((check) => check.name)).toEqual(
      expect.arrayContaining(['config', 'data', 'journal', 'agents', 'model']),
    );
    expect(checks.find((check) => check.name === 'model')).toMatchObject({ status: 'ok' });
    // With an empty cache, doctor says that the first routed task will train the router.
    const fresh = await cli(['doctor', '--json'], {
      NOVA_MODEL: helloModel,
      NOVA_CACHE_DIR: path.join(workspace.dir, 'empty-cache'),
    });
    const router = (
      JSON.parse(fresh.stdout) as { checks: Array<{ name: string; detail: string }> }
    ).checks.find((check) => check.name === 'router');
    expect(router?.detail).toMatch(/^not trained for these 34 agents yet: the first routed task trains it/);
    const broken = await cli(['doctor'], {
      NOVA_MODEL: `scripted:${path.join(workspace.dir, 'missing.json')}`,
    });
    expect(broken.code).toBe(3);
    expect(broken.stdout).toMatch(/✗ model/);
  });

  it("keeps Node's compiled modules in Nova's own cache folder, and not when turned off", async () => {
    const cacheDir = path.join(workspace.dir, 'cache');
    const help = await cli(['--help'], { NOVA_CACHE_DIR: cacheDir });
    expect(help.code).toBe(0);
    const compiled = path.join(cacheDir, 'compile');
    // Node writes the cache when the process exits: the sources Nova's CLI loaded are in it.
    expect(fs.readdirSync(compiled, { recursive: true }).length).toBeGreaterThan(10);
    expect(fs.statSync(compiled).mode & 0o022).toBe(0);

    const offDir = path.join(workspace.dir, 'off');
    const off = await cli(['--help'], { NOVA_CACHE_DIR: offDir, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(off.code).toBe(0);
    expect(off.stdout).toBe(help.stdout);
    expect(fs.existsSync(path.join(offDir, 'compile'))).toBe(false);
  });
});

describe('routing from the CLI, end to end', () => {
  it('routes an ask without --agent, says where it went, and records the decision with the task', async () => {
    const asked = await cli(['ask', 'please translate this short welcome text into German', '--json'], {
      NOVA_MODEL: helloModel,
    });
    expect(asked.code, asked.stdout).toBe(0);
    const result = JSON.parse(asked.stdout) as { agent: string; runId: string };
    expect(result.agent).toBe('translator');
    const shown = JSON.parse((await cli(['runs', 'show', result.runId, '--json'])).stdout) as {
      run: { task: { routing: { agent: string; strategy: string; confidence: number } } };
    };
    expect(shown.run.task.routing).toMatchObject({ agent: 'translator', strategy: 'ranker' });
    const human = await cli(['ask', '@erp-sales', 'why', 'was', 'order', '7781', 'priced', 'wrong'], {
      NOVA_MODEL: helloModel,
    });
    expect(human.stderr).toContain('→ erp-sales (confidence 1.00; mentioned as @erp-sales)');
  });

  it('asks a question instead of guessing on a vague request, and exits 20 with how to answer', async () => {
    const vague = await cli(['ask', 'help me with the thing'], { NOVA_MODEL: helloModel });
    expect(vague.code).toBe(20);
    expect(vague.stderr).toContain('? What should be done, and with what?');
    const answerHint = /Answer to continue this task: nova answer (clar_\w+) --agent [a-z-]+/.exec(
      vague.stderr,
    );
    expect(answerHint).not.toBeNull();
    expect((await cli(['runs', 'list', '--json'])).stdout).toContain('"runs": []');
    // Answering continues the same task with the chosen agent; the routing records the answer.
    const answered = await cli(['answer', answerHint![1]!, '--agent', 'assistant', '--json'], {
      NOVA_MODEL: helloModel,
    });
    expect(answered.code).toBe(0);
    const { run } = JSON.parse(answered.stdout) as {
      run: { agent: string; task: { text: string; routing: { strategy: string; reasons: string[] } } };
    };
    expect(run).toMatchObject({
      agent: 'assistant',
      task: { text: 'help me with the thing', routing: { strategy: 'clarified' } },
    });
    expect(run.task.routing.reasons[0]).toContain(
      'chosen by the requester in answer to: What should be done',
    );
    const again = await cli(['answer', answerHint![1]!, '--agent', 'assistant']);
    expect(again.code).toBe(12);
    expect(again.stderr).toContain('was already answered with assistant');
    const json = JSON.parse(
      (await cli(['ask', 'order me a pizza with extra cheese', '--json'], { NOVA_MODEL: helloModel })).stdout,
    ) as {
      clarification: { kind: string; id: string; candidates: unknown[] };
    };
    expect(json.clarification).toMatchObject({ kind: 'clarification', id: expect.stringMatching(/^clar_/) });
    expect(json.clarification.candidates.length).toBeGreaterThan(0);
  });

  it('routes a JSONL file line by line and evaluates a labelled file, naming the line of bad input', async () => {
    const requests = path.join(workspace.dir, 'requests.jsonl');
    fs.writeFileSync(
      requests,
      '{"id":"a","text":"remind me tomorrow at 8 to call the garage"}\n{"id":"b","text":"order me a pizza"}\n',
    );
    const routed = await cli(['route', '--file', requests]);
    expect(routed.code).toBe(0);
    const lines = routed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; agent: string | null; abstained: boolean });
    expect(lines).toEqual([
      expect.objectContaining({ id: 'a', agent: 'reminders', abstained: false }),
      expect.objectContaining({ id: 'b', agent: null, abstained: true }),
    ]);
    fs.appendFileSync(requests, '{"id":"c", "text": \n');
    const broken = await cli(['route', '--file', requests]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('line 3: not valid JSON');

    const evaluated = await cli([
      'eval',
      'routing',
      '--file',
      path.join(repoRoot, 'eval/routing/default-roster.jsonl'),
      '--json',
    ]);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout) as {
      answerable: { total: number; accuracy: number };
      latency: { p50Ms: number };
    };
    expect(report.answerable.total).toBeGreaterThanOrEqual(400);
    expect(report.answerable.accuracy).toBeGreaterThan(0.7);
    // A set of out-of-scope requests only: accuracy is not 0%, there is nothing to measure.
    const onlyOutOfScope = await cli([
      'eval',
      'routing',
      '--file',
      path.join(repoRoot, 'eval/routing/out-of-scope-dev.jsonl'),
    ]);
    expect(onlyOutOfScope.stdout).toContain('accuracy          n/a (no answerable requests)');
    expect(onlyOutOfScope.stdout).toMatch(/abstained +\d+\.\d% of out-of-scope · n\/a of answerable/);

    const otherRoster = path.join(workspace.dir, 'roster');
    fs.mkdirSync(otherRoster);
    fs.writeFileSync(
      path.join(otherRoster, 'chef.md'),
      '---\nname: chef\ndescription: Cooks recipes and plans dinner menus.\nexamples: [plan a dinner menu for six, what can I cook with leeks]\n---\n',
    );
    fs.writeFileSync(
      path.join(otherRoster, 'gardener.md'),
      '---\nname: gardener\ndescription: Looks after plants, lawns and the vegetable patch.\nexamples: [when should I prune the roses, my tomato plants have yellow leaves]\n---\n',
    );
    const custom = await cli([
      'route',
      'what should I cook for dinner tonight',
      '--agents',
      otherRoster,
      '--json',
    ]);
    expect(JSON.parse(custom.stdout)).toMatchObject({ kind: 'decision', agent: 'chef' });
  });
});
