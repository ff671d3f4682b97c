import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareFix } from '../../src/app/fix.js';
import { runPlain, type Choice, type PlainPrompts } from '../../src/cli/plain.js';
import { sandboxEngine, type SandboxEngine } from './sandbox-engine.js';

/** Prompts that answer from a script (first choice = Enter when the script runs out), recording what was shown. */
function scripted(answers: ((choices: Choice<unknown>[]) => unknown)[] = []) {
  const printed: string[] = [];
  const asked: string[] = [];
  const prompts: PlainPrompts = {
    async select<T>(q: { message: string; choices: Choice<T>[] }) {
      asked.push(q.message);
      printed.push(q.message, ...q.choices.map((c) => c.name));
      const next = answers.shift();
      return (next ? next(q.choices as Choice<unknown>[]) : q.choices[0]!.value) as T;
    },
    print: (t) => void printed.push(t),
  };
  return { prompts, printed, asked };
}

let env: SandboxEngine | undefined;
let env_: SandboxEngine | undefined;
afterEach(() => {
  env?.cleanup();
  env_?.cleanup();
  env_ = undefined;
});

describe('plain mode', () => {
  it('with the recommended answer at every question applies the plan of `fix --yes` and prints no secret', async () => {
    env = sandboxEngine();
    const expected = await prepareFix(env.deps, env.opts);
    const { prompts, printed, asked } = scripted();
    const code = await runPlain(env.engine, prompts);
    expect(code).toBe(0);
    expect(asked).toEqual(['Servers', 'Trust', 'Scopes', 'Files', 'Keychain', 'Changes', `Apply ${expected.plan.actions.length} actions?`]);
    expect(env.applied.map((p) => p.plan)).toEqual([expected.plan]);
    const text = printed.join('\n');
    expect(text).toMatch(/Undo it with: mcp-harden undo \S+/);
    expect(text).toContain('done: keychain');
    for (const v of env.values) expect(text.includes(v)).toBe(false);
  }, 30_000);

  it('quitting at the first question writes nothing and exits 130', async () => {
    env = sandboxEngine();
    const { prompts, printed } = scripted([(choices) => choices.at(-1)!.value]);
    const code = await runPlain(env.engine, prompts);
    expect(code).toBe(130);
    expect(env.applied).toEqual([]);
    expect(env.store.size).toBe(0);
    expect(printed.at(-1)).toBe('Cancelled. Nothing was changed.');
  }, 30_000);

  it('Ctrl+C in a prompt cancels like q', async () => {
    env = sandboxEngine();
    const exit = Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' });
    const { prompts } = scripted([
      () => {
        throw exit;
      },
    ]);
    expect(await runPlain(env.engine, prompts)).toBe(130);
    expect(env.applied).toEqual([]);
  }, 30_000);

  it('switching a secret to Level 1 applies a plan that keeps it in its file', async () => {
    env = sandboxEngine();
    const pick = (prefix: string) => (choices: Choice<unknown>[]) => choices.find((c) => c.name.startsWith(prefix))!.value;
    const { prompts } = scripted([
      pick('Continue'), // servers
      pick('Continue'), // trust
      pick('Continue'), // scopes
      pick('Continue'), // files
      pick('Switch STRIPE_SECRET_KEY to Level 1'),
    ]);
    expect(await runPlain(env.engine, prompts)).toBe(0);
    const stripe = env.applied[0]!.secrets.find((s) => s.account === 'STRIPE_SECRET_KEY')!;
    expect(stripe.level).toBe(1);
    expect(env.applied[0]!.plan.actions.some((a) => a.kind === 'store-secret' && a.account === 'STRIPE_SECRET_KEY')).toBe(false);
    expect(await env.store.get('mcp-harden', 'STRIPE_SECRET_KEY')).toBeNull();
  }, 30_000);

  it('a local change turned off in Scopes is not applied, and the rest of the plan is', async () => {
    env = sandboxEngine();
    const pick = (prefix: string) => (choices: Choice<unknown>[]) => choices.find((c) => c.name.startsWith(prefix))!.value;
    const { prompts, printed } = scripted([
      pick('Continue'), // servers
      pick('Continue'), // trust
      pick('Turn off: github:'),
    ]);
    expect(await runPlain(env.engine, prompts)).toBe(0);
    expect(printed).toContainEqual(expect.stringMatching(/^ {2}\[ \] github: ask before its \d+ write tools/));
    const actions = env.applied[0]!.plan.actions;
    expect(actions.some((a) => a.kind === 'set-permissions' && a.servers.includes('github'))).toBe(false);
    expect(actions.some((a) => a.kind === 'store-secret' && a.account === 'GITHUB_PERSONAL_ACCESS_TOKEN')).toBe(true);
  }, 30_000);

  it('the online check, when asked for, sends each token to a (local fake) provider and shows what came back', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      if (req.url === '/user') res.writeHead(200, { 'x-oauth-scopes': 'repo, admin:org' }).end('{}');
      else res.writeHead(401, { 'content-type': 'application/json' }).end('{"ok":false,"error":"invalid_auth"}');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const a = server.address();
    const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    const env = Object.fromEntries(['GITHUB', 'GITLAB', 'SLACK', 'HUGGINGFACE', 'OPENAI', 'ANTHROPIC', 'STRIPE'].map((p) => [`MCP_HARDEN_${p}_API_URL`, base]));
    try {
      env_ = sandboxEngine({ env });
      const pick = (prefix: string) => (choices: Choice<unknown>[]) => choices.find((c) => c.name.startsWith(prefix))!.value;
      const { prompts, printed } = scripted([pick('Continue'), pick('Continue'), pick('Check: each token')]);
      expect(await runPlain(env_.engine, prompts)).toBe(0);
      expect(seen).toContain('/user');
      const text = printed.join('\n');
      expect(text).toContain('Online check of the tokens:');
      expect(text).toMatch(/PROBLEM: GitHub .* given to limited server "github" has .*admin:org/);
      expect(text).toMatch(/PROBLEM: Slack .* is not valid/);
      for (const v of env_.values) expect(text.includes(v)).toBe(false);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  }, 30_000);

  it('without a keychain says so, still applies what needs none, and exits 10 like `fix`', async () => {
    env = sandboxEngine({ keychain: 'missing-backend' });
    const { prompts, printed } = scripted();
    expect(await runPlain(env.engine, prompts)).toBe(10);
    const text = printed.join('\n');
    expect(text).toMatch(/Keychain unavailable \(.+\): Level 2 actions will be skipped/);
    expect(text).toMatch(/done: chmod 600/);
    expect(text).toMatch(/skipped: keychain/);
  }, 30_000);
});
