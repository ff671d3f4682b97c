// `rotate NAME --value-stdin --yes` on the built binary against the private gnome-keyring: every
// consumer switched to the new value, no copy of the old one left, git history reported, live
// checks against a local fake provider, undo. Synthetic tokens only.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, CLI, filesHolding, lookupItem, makeBox, requireKeyring, runCli, snapshot, type Box, runCliAsync } from '../helpers/e2e.js';
import { runGit } from '../helpers/git.js';
import { fakeToken } from '../helpers/tokens.js';

const outputs: string[] = [];
const boxes: Box[] = [];
const secrets: string[] = [];
const ACCOUNTS = ['GITHUB_PERSONAL_ACCESS_TOKEN', 'GITHUB_TOKEN', 'LINEAR_API_KEY', 'GH_A'];
/** An item made by hand with another service, as DESIGN §3's guide has the user make one. */
const HAND_MADE = ['github-pat', 'mcp-github'] as const;

beforeAll(() => {
  requireKeyring();
  buildDist();
});

afterAll(() => {
  const all = outputs.join('\n');
  for (const s of secrets) expect(all.includes(s), 'a secret value appeared in the output').toBe(false);
  for (const b of boxes) rmSync(b.root, { recursive: true, force: true });
  clearItems(ACCOUNTS);
  spawnSync('secret-tool', ['clear', 'service', HAND_MADE[0], 'account', HAND_MADE[1]]);
});

function token(seed: string): string {
  const t = fakeToken('github-classic', seed);
  secrets.push(t);
  return t;
}

function box(name: string): Box {
  clearItems(ACCOUNTS);
  const b = makeBox(`mcp-harden-rotate-${name}-`, 'project');
  boxes.push(b);
  return b;
}

function write(path: string, text: string, mode = 0o600): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text, { mode });
}

/** Three GitHub servers in two clients and one .env, all holding the same token. */
function threeConsumers(b: Box, old: string): void {
  const server = (env: Record<string, string>) => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env });
  write(join(b.home, '.claude.json'), JSON.stringify({ mcpServers: { github: server({ GITHUB_PERSONAL_ACCESS_TOKEN: old }) } }, null, 2) + '\n');
  write(
    join(b.home, '.cursor', 'mcp.json'),
    '{\n  // work and issues\n' +
      `  "mcpServers": {\n    "gh": ${JSON.stringify(server({ GITHUB_PERSONAL_ACCESS_TOKEN: old }))},\n` +
      `    "gh-issues": ${JSON.stringify(server({ GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_TOKEN}' }))}\n  }\n}\n`,
  );
  write(join(b.workspace, '.env'), `# local\nGITHUB_TOKEN=${old}\nDEBUG=1\n`);
  write(join(b.workspace, '.gitignore'), '.env\n', 0o644);
}

function run(b: Box, args: string[], stdin?: string, extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: b.workspace,
    env: { ...b.env, ...extra },
    encoding: 'utf8',
    input: stdin ?? '',
    timeout: 60_000,
  });
  outputs.push(r.stdout, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like run, without blocking this process: the fake provider lives in it. */
function runAsync(b: Box, args: string[], stdin: string, extra: Record<string, string> = {}) {
  return runCliAsync(args, { cwd: b.workspace, env: { ...b.env, ...extra }, outputs, stdin });
}

/** What each server's references resolve to through `mcp-harden exec`, by server name. */
function resolvedValues(b: Box): Map<string, string> {
  const out = new Map<string, string>();
  const configs = [join(b.home, '.claude.json'), join(b.home, '.cursor', 'mcp.json')];
  for (const file of configs) {
    const text = readFileSync(file, 'utf8');
    const servers = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')).mcpServers as Record<string, { env?: Record<string, string> }>;
    for (const [name, s] of Object.entries(servers)) {
      const ref = s.env?.['GITHUB_PERSONAL_ACCESS_TOKEN'] ?? '';
      const r = spawnSync(process.execPath, [CLI, 'exec', '--', process.execPath, '-e', 'process.stdout.write(process.env.T ?? "")'], {
        env: { ...b.env, T: ref },
        encoding: 'utf8',
      });
      // Not collected into `outputs`: this is the test reading the value on purpose.
      out.set(name, r.status === 0 ? r.stdout : `exit ${r.status}`);
    }
  }
  return out;
}

/** Whether any of our keychain items holds the value (secret-tool prints values: read here only). */
function keychainHolds(value: string): boolean {
  const r = spawnSync('secret-tool', ['search', '--all', 'service', 'mcp-harden'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.includes(value);
}

const isState = (p: string) => p.includes(join('.local', 'state')) || p.includes(join('.local', 'bin')) || p.includes(join('.local', 'share'));

describe('rotate NAME --value-stdin --yes', () => {
  test('a token already in the keychain, used by three servers in two clients and a .env: all switch, nothing old is left, undo puts it back', () => {
    const b = box('kc');
    const old = token('rotate-old');
    const fresh = token('rotate-new');
    threeConsumers(b, old);
    const fix = run(b, ['fix', '--yes', '--only', 'keychain']);
    expect(fix.code, fix.stderr).toBe(0);
    const account = 'GITHUB_PERSONAL_ACCESS_TOKEN';
    expect(lookupItem(account) === old, 'the keychain item holds the old value').toBe(true);
    for (const [name, v] of resolvedValues(b)) expect(v === old, `${name} resolves the old token before`).toBe(true);
    const before = snapshot(b.root, isState);

    const r = run(b, ['rotate', account, '--value-stdin', '--yes', '--no-history'], `${fresh}\n`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`Rotating ${account}`);
    expect(r.stdout).toContain('keychain item mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN');
    expect(r.stdout).toMatch(/\.claude\.json:\d+ — server "github" \(Claude Code\): keychain reference/);
    expect(r.stdout).toContain('no copy of the old value is left on disk');
    expect(r.stdout).toMatch(/Now revoke the old token at the provider: https:\/\/github\.com\/settings\/tokens\./);
    expect(lookupItem(account) === fresh, 'the keychain item holds the new value').toBe(true);
    const resolved = resolvedValues(b);
    expect([...resolved.keys()].sort()).toEqual(['gh', 'gh-issues', 'github']);
    for (const [name, v] of resolved) expect(v === fresh, `${name} resolves the new token`).toBe(true);
    expect(filesHolding(b.root, old)).toEqual([]);
    expect(keychainHolds(old)).toBe(false);

    const secretsList = run(b, ['secrets', '--json']);
    const listed = JSON.parse(secretsList.stdout) as { secrets?: { account: string; rotated?: string }[] } | { account: string; rotated?: string }[];
    const entries = Array.isArray(listed) ? listed : (listed.secrets ?? []);
    expect(entries.find((e) => e.account === account)?.rotated).toMatch(/^\d{4}-\d\d-\d\d/);

    const runId = /Run (\S+) · undo/.exec(r.stdout)?.[1];
    expect(runId).toBeTruthy();
    const u = run(b, ['undo', runId!]);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(lookupItem(account) === old, 'the keychain item holds the old value').toBe(true);
    expect(snapshot(b.root, isState)).toEqual(before);
  });

  test('a plaintext-only token: the new value goes to the keychain and every plaintext copy of the old one is gone', () => {
    const b = box('plain');
    const old = token('plain-old');
    const fresh = token('plain-new');
    threeConsumers(b, old);
    const r = run(b, ['rotate', 'GITHUB_PERSONAL_ACCESS_TOKEN', '--value-stdin', '--yes', '--no-history'], fresh);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(filesHolding(b.root, old)).toEqual([]);
    expect(filesHolding(b.root, fresh)).toEqual([]);
    for (const [name, v] of resolvedValues(b)) expect(v === fresh, `${name} resolves the new token`).toBe(true);
    expect(readFileSync(join(b.workspace, '.env'), 'utf8')).toBe('# local\nDEBUG=1\n');
    expect(readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8')).toContain('// work and issues');
  });

  test('a bad new value is refused before anything changes', () => {
    const b = box('bad');
    const old = token('bad-old');
    threeConsumers(b, old);
    const before = snapshot(b.root);
    const wrong = fakeToken('github-classic', 'bad-new').slice(0, -1) + 'x';
    secrets.push(wrong);
    const r = run(b, ['rotate', 'GITHUB_PERSONAL_ACCESS_TOKEN', '--value-stdin', '--yes', '--no-history'], wrong);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checksum/);
    const same = run(b, ['rotate', 'GITHUB_PERSONAL_ACCESS_TOKEN', '--value-stdin', '--yes', '--no-history'], old);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('this is the old value');
    const slack = fakeToken('slack-bot', 'bad-slack');
    secrets.push(slack);
    const other = run(b, ['rotate', 'GITHUB_PERSONAL_ACCESS_TOKEN', '--value-stdin', '--yes', '--no-history'], slack);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/looks like a slack credential/);
    expect(snapshot(b.root)).toEqual(before);
    const unknown = run(b, ['rotate', 'NOPE', '--value-stdin', '--yes'], fakeToken('github-classic', 'x'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no secret named NOPE');
    const noStdin = run(b, ['rotate', 'GITHUB_PERSONAL_ACCESS_TOKEN', '--yes']);
    expect(noStdin.code).toBe(2);
    const noTty = run(b, ['rotate']);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('--value-stdin --yes');
  });

  test('a value that was committed: the commits are named, with whether a remote has them', () => {
    const b = box('git');
    const old = token('git-old');
    const fresh = token('git-new');
    threeConsumers(b, old);
    const git = (...args: string[]) => runGit(b.workspace, args, b.env).trim();
    git('init', '-q', '-b', 'main');
    write(join(b.workspace, 'config.env'), `GITHUB_TOKEN=${old}\n`, 0o644);
    git('add', 'config.env');
    git('commit', '-q', '-m', 'add config');
    const added = git('rev-parse', 'HEAD');
    // The first commit reached a remote; the second one did not.
    spawnSync('git', ['init', '-q', '--bare', join(b.root, 'remote.git')]);
    git('remote', 'add', 'origin', join(b.root, 'remote.git'));
    git('push', '-q', 'origin', 'main');
    git('rm', '-q', 'config.env');
    git('commit', '-q', '-m', 'remove config');
    const removed = git('rev-parse', 'HEAD');
    const r = run(b, ['rotate', 'GITHUB_PERSONAL_ACCESS_TOKEN', '--value-stdin', '--yes'], fresh, { GIT_CONFIG_GLOBAL: '/dev/null' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('git history: committed in 2 commits');
    expect(r.stdout).toContain(`${added.slice(0, 12)} `);
    expect(r.stdout).toMatch(new RegExp(`${removed.slice(0, 12)} \\S+ removed in config\\.env — "remove config" — local only`));
    expect(r.stdout).toMatch(new RegExp(`${added.slice(0, 12)} \\S+ added in config\\.env — "add config" — on origin/main`));
    expect(r.stdout).toContain('pushed to a remote: treat the token as public');
  });
});

describe('rotate: other keychain items, and an interrupted run', () => {
  test('an item of another service that a config references and that holds the old value gets the new one too', () => {
    const b = box('hand-made');
    const old = token('hand-old');
    const fresh = token('hand-new');
    // Written as keytar and our secret-tool backend write items (schema, service, account), so both find it.
    const store = (service: string, account: string) => {
      const r = spawnSync('secret-tool', ['store', '--label=x', 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', service, 'account', account], { input: old, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    store('mcp-harden', 'GH_A');
    store(HAND_MADE[0], HAND_MADE[1]);
    const server = (ref: string) => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: ref } });
    write(join(b.home, '.claude.json'), JSON.stringify({ mcpServers: { a: server('keychain:mcp-harden/GH_A'), c: server(`keychain:${HAND_MADE.join('/')}`) } }, null, 2) + '\n');

    const r = run(b, ['rotate', 'GH_A', '--value-stdin', '--yes', '--no-history'], fresh);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('keychain item github-pat/mcp-github');
    expect(r.stdout).toMatch(/\.claude\.json:\d+ — server "c" \(Claude Code\): keychain reference/);
    expect(r.stdout).toContain('✓ github-pat/mcp-github holds the new value');
    const held = spawnSync('secret-tool', ['lookup', 'service', HAND_MADE[0], 'account', HAND_MADE[1]], { encoding: 'utf8' });
    expect(held.stdout === fresh, 'the hand-made item holds the new value').toBe(true);
    expect(lookupItem('GH_A') === fresh, 'our item holds the new value').toBe(true);
  });

  // Action 0 stores the new value, 1 and 2 rewrite the two configs: killed before the store, before
  // any config was switched, and with one config switched.
  test.each([
    ['action:before:0', false],
    ['action:before:1', true],
    ['action:before:2', true],
  ])('killed at %s: rotating again with the same value finishes the job', (point, stored) => {
    const b = box('resume');
    const old = token(`resume-old-${point}`);
    const fresh = token(`resume-new-${point}`);
    threeConsumers(b, old);
    const account = 'GITHUB_PERSONAL_ACCESS_TOKEN';
    const killed = run(b, ['rotate', account, '--value-stdin', '--yes', '--no-history'], fresh, { MCP_HARDEN_TEST_HOOKS: '1', MCP_HARDEN_TEST_CRASH: point });
    expect(killed.code).toBeNull();
    expect(lookupItem(account) === fresh, 'whether the item holds the new value').toBe(stored);
    expect(filesHolding(b.root, old).length).toBeGreaterThan(0);

    // The notice names the rotate command, not fix (which would store the old value).
    const audit = run(b, ['audit']);
    expect(audit.stderr).toMatch(new RegExp(`was interrupted: \`mcp-harden rotate ${account}\` with the same new value carries on`));
    expect(audit.stderr).not.toContain('mcp-harden fix --yes');
    // And fix refuses to run over it: it would store the leftover old value and point consumers back at it.
    const before = snapshot(b.root);
    const fix = run(b, ['fix', '--yes']);
    expect(fix.code).toBe(1);
    expect(fix.stderr).toMatch(/a rotation, was interrupted: finish it first/);
    expect(snapshot(b.root)).toEqual(before);

    const again = run(b, ['rotate', account, '--value-stdin', '--yes', '--no-history'], fresh);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    // One secret: the plaintext copies left belong to the item, not to a second candidate `NAME@server`.
    if (stored) expect(again.stdout).toContain(`keychain item mcp-harden/${account}`);
    expect(again.stdout).toMatch(/\.env:\d+ — GITHUB_TOKEN: plaintext \.env line/);
    expect(again.stdout).not.toContain(`${account}@`);
    expect(filesHolding(b.root, old)).toEqual([]);
    expect(lookupItem(account) === fresh, 'the item holds the new value').toBe(true);
    expect(keychainHolds(old)).toBe(false);
    for (const [name, v] of resolvedValues(b)) expect(v === fresh, `${name} resolves the new token`).toBe(true);
    // Carried through: no longer reported as interrupted, and the same value is now refused as the old one.
    expect(run(b, ['audit']).stderr).not.toContain('was interrupted');
    const third = run(b, ['rotate', account, '--value-stdin', '--yes', '--no-history'], fresh);
    expect(third.code).toBe(2);
    expect(third.stderr).toContain('this is the old value');
  });
});

describe('rotate --online against a local fake GitHub', () => {
  let server: Server;
  let base = '';
  const seen: { path: string; auth: string; body: string }[] = [];
  const revoked = new Set<string>();
  let valid = new Set<string>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        seen.push({ path: req.url ?? '', auth, body });
        if (req.method === 'POST' && req.url === '/credentials/revoke') {
          for (const t of (JSON.parse(body) as { credentials: string[] }).credentials) revoked.add(t);
          res.writeHead(202).end();
          return;
        }
        if (req.url === '/user' && valid.has(auth) && !revoked.has(auth)) {
          res.writeHead(200, { 'x-oauth-scopes': 'repo, read:org', 'content-type': 'application/json' }).end('{}');
          return;
        }
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  test('the new token is checked, the old one reported to GitHub and then seen dead', async () => {
    const b = box('online');
    const old = token('online-old');
    const fresh = token('online-new');
    valid = new Set([old, fresh]);
    threeConsumers(b, old);
    const r = await runAsync(b, ['rotate', 'GITHUB_PERSONAL_ACCESS_TOKEN', '--value-stdin', '--yes', '--no-history', '--online', '--report-to-github'], fresh, {
      MCP_HARDEN_GITHUB_API_URL: base,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/New value: works — valid; scopes: .*repo/);
    expect(r.stdout).toMatch(/✓ reported to GitHub's credential revocation API/);
    expect(r.stdout).toMatch(/✓ old value: /);
    const report = seen.find((s) => s.path === '/credentials/revoke');
    expect(report?.auth).toBe('');
    expect(JSON.parse(report!.body)).toEqual({ credentials: [old] });
    expect(revoked.has(fresh)).toBe(false);
  });

  test('a new token the provider refuses is not stored', async () => {
    const b = box('refused');
    const old = token('refused-old');
    const fresh = token('refused-new');
    valid = new Set([old]);
    threeConsumers(b, old);
    const before = snapshot(b.root);
    const r = await runAsync(b, ['rotate', 'GITHUB_PERSONAL_ACCESS_TOKEN', '--value-stdin', '--yes', '--no-history', '--online'], fresh, { MCP_HARDEN_GITHUB_API_URL: base });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the provider refused the new value');
    expect(snapshot(b.root)).toEqual(before);
    expect(lookupItem('GITHUB_PERSONAL_ACCESS_TOKEN') === null, 'no keychain item').toBe(true);
  });
});
