// `fix`, `undo` and `secrets` on the built binary, against a private gnome-keyring (npm test runs
// the suite through scripts/with-keyring.sh). The sandbox holds synthetic tokens only.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSandbox, type Sandbox } from '../../src/demo/sandbox.js';
import { buildDist, clearItems, CLI, DEMO_ACCOUNTS, expectNoSecretsThenClean, filesHolding, keyringEnv, lookupItem as lookup, requireKeyring, runCli, snapshot } from '../helpers/e2e.js';

const outputs: string[] = [];
const sandboxes: Sandbox[] = [];

function envFor(sb: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return { ...sb.env, XDG_STATE_HOME: join(sb.home, '.local', 'state'), ...keyringEnv(), ...extra };
}

function run(sb: Sandbox, args: string[], extra: Record<string, string> = {}) {
  return runCli(args, { cwd: sb.workspace, env: envFor(sb, extra), outputs });
}

/** Secrets that every place of which `fix --yes --remove-history` moves into the keychain. */
const MIGRATED = ['github', 'slack', 'brave', 'sentry', 'openai', 'notion', 'stripe', 'anthropic'] as const;
const isState = (p: string) => p.includes(`${join('.local', 'state')}`) || p.includes(join('.local', 'share', 'mcp-harden')) || p.includes(join('.local', 'bin'));

beforeAll(() => {
  requireKeyring();
  buildDist();
});

afterAll(() => expectNoSecretsThenClean(outputs, sandboxes));

function fresh(seed: string): Sandbox {
  clearItems(DEMO_ACCOUNTS);
  const sb = buildSandbox({ seed });
  sandboxes.push(sb);
  return sb;
}

describe('fix on a machine with several clients', () => {
  test('--dry-run shows the plan with masked diffs and changes nothing', () => {
    const sb = fresh('dry');
    const before = snapshot(sb.root);
    const r = run(sb, ['fix', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Plan: \d+ actions/);
    expect(r.stdout).toMatch(/^\+\s+"GITHUB_PERSONAL_ACCESS_TOKEN": "keychain:mcp-harden\/GITHUB_PERSONAL_ACCESS_TOKEN"$/m);
    expect(r.stdout).toMatch(/^-\s+"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_…\(40\)"$/m);
    expect(snapshot(sb.root, isState)).toEqual(new Map([...before].filter(([p]) => !isState(p))));
    expect(lstatSync(join(sb.home, '.cursor')).mode & 0o777).toBe(0o755);
    expect(lookup('GITHUB_PERSONAL_ACCESS_TOKEN') === null, 'GITHUB_PERSONAL_ACCESS_TOKEN is still in the keychain').toBe(true);
  });

  test('without --yes and without a terminal it refuses and changes nothing', () => {
    const sb = fresh('noyes');
    const before = snapshot(sb.root);
    const r = run(sb, ['fix']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('--yes moves every secret an MCP server uses into the keychain, and undo puts every file back', async () => {
    const sb = fresh('apply');
    const before = snapshot(sb.root);

    // Watch every process's arguments while the run goes on: no secret may ever be in them.
    const child = spawn(process.execPath, [CLI, 'fix', '--yes', '--remove-history'], { cwd: sb.workspace, env: envFor(sb), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const seenInArgs: string[] = [];
    const values = Object.values(sb.secrets);
    const poll = setInterval(() => {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          for (const v of values) if (cmd.includes(v)) seenInArgs.push(pid);
        } catch {
          // gone
        }
      }
    }, 5);
    const code = await new Promise<number | null>((res) => child.on('close', res));
    clearInterval(poll);
    outputs.push(stdout, stderr);
    expect(stderr + stdout).toMatch(/Run \d{8}-\d{6}-[0-9a-f]{4}: \d+ done, 0 skipped, 0 failed/);
    expect(code).toBe(0);
    expect(seenInArgs).toEqual([]);

    // No file under HOME or the workspace holds a migrated value, the state dir and backups included.
    for (const name of MIGRATED) expect(filesHolding(sb.root, sb.secrets[name]), name).toEqual([]);
    // Every value is in the keychain, as keytar and secret-tool see it.
    expect(lookup('GITHUB_PERSONAL_ACCESS_TOKEN') === sb.secrets.github).toBe(true);
    expect(lookup('STRIPE_SECRET_KEY') === sb.secrets.stripe).toBe(true);
    expect(lookup('OPENAI_API_KEY') === sb.secrets.openai).toBe(true);
    expect(lookup('PASSWORD') === sb.secrets.postgresPassword).toBe(true);
    // Files that held secrets are owner-only.
    for (const f of [join(sb.home, '.claude.json'), join(sb.home, '.cursor/mcp.json'), join(sb.workspace, '.env'), join(sb.workspace, '.env.local')]) {
      expect(lstatSync(f).mode & 0o777, f).toBe(0o600);
    }
    // The private directories clients keep those files in are owner-only too.
    expect(lstatSync(join(sb.home, '.cursor')).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(sb.home, '.claude', 'backups')).mode & 0o777).toBe(0o700);
    // .env is now git-ignored.
    expect(readFileSync(join(sb.workspace, '.gitignore'), 'utf8')).toContain('/.env');

    // The rewritten user config starts its server with the secret under a GUI client's environment.
    const claude = JSON.parse(readFileSync(join(sb.home, '.claude.json'), 'utf8'));
    const gh = claude.mcpServers.github;
    expect(gh.env.GITHUB_PERSONAL_ACCESS_TOKEN).toBe('keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN');
    expect(gh.args.slice(0, 1)).toEqual(['npx']);
    const gui = {
      PATH: '/usr/bin:/bin',
      HOME: sb.home,
      ...keyringEnv(),
      ...gh.env,
    };
    const probe = spawnSync('env', ['-i', ...Object.entries(gui).map(([k, v]) => `${k}=${v}`), gh.command, '/bin/sh', '-c', 'printf %s "$GITHUB_PERSONAL_ACCESS_TOKEN" | sha256sum'], {
      encoding: 'utf8',
    });
    expect(probe.status).toBe(0);
    expect(probe.stdout.split(' ')[0]).toBe(createHash('sha256').update(sb.secrets.github).digest('hex'));

    // The args of the postgres server carry an inline reference now.
    const cursor = JSON.parse(readFileSync(join(sb.home, '.cursor/mcp.json'), 'utf8'));
    expect(cursor.mcpServers.postgres.args.at(-1)).toBe('postgresql://app:{{keychain:mcp-harden/PASSWORD}}@db.internal:5432/app');

    // .mcp.json was committed with a token in it: moved out, but git history keeps it, so the
    // finding stays and points to rotation.
    const after = JSON.parse(run(sb, ['audit', '--json']).stdout);
    const tracked = after.findings.find((f: { rule: string; file: string }) => f.rule === 'secret-file-tracked' && f.file === join(sb.workspace, '.mcp.json'));
    expect(tracked?.message).toContain('committed version');

    // secrets lists them, never a value.
    const secrets = run(sb, ['secrets', '--json']);
    expect(secrets.code).toBe(0);
    const listed = JSON.parse(secrets.stdout).secrets.map((s: { account: string }) => s.account);
    expect(listed).toEqual(expect.arrayContaining(['GITHUB_PERSONAL_ACCESS_TOKEN', 'STRIPE_SECRET_KEY']));

    // A second fix finds nothing left to move.
    const again = run(sb, ['fix', '--yes', '--json']);
    expect(again.code).toBe(0);

    // undo puts every file back byte for byte, modes included.
    const list = run(sb, ['undo', '--list', '--json']);
    const runs = JSON.parse(list.stdout).runs;
    expect(runs.length).toBeGreaterThanOrEqual(1);
    const first = runs.map((x: { id: string }) => x.id).sort()[0];
    const u1 = run(sb, ['undo']);
    expect(u1.code).toBe(0);
    const u2 = run(sb, ['undo', first, '--delete-secrets']);
    expect(u2.stdout).not.toMatch(/refused|failed|changed-since/);
    expect(u2.code).toBe(0);
    expect(snapshot(sb.root, isState)).toEqual(new Map([...before].filter(([p]) => !isState(p))));
    expect(lstatSync(join(sb.home, '.cursor')).mode & 0o777).toBe(0o755);
    expect(lookup('GITHUB_PERSONAL_ACCESS_TOKEN') === null, 'GITHUB_PERSONAL_ACCESS_TOKEN is still in the keychain').toBe(true);
  });

  test('without a usable keychain it still locks files down, skips the rest, and exits 10', () => {
    const sb = fresh('nokeychain');
    const claudeBefore = readFileSync(join(sb.home, '.claude.json'), 'utf8');
    const r = run(sb, ['fix', '--yes'], { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
    expect(r.code).toBe(10);
    expect(r.stderr).toMatch(/keychain|Secret Service/i);
    expect(lstatSync(join(sb.home, '.claude.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(sb.home, '.claude.json'), 'utf8')).toBe(claudeBefore);
    expect(r.stderr + r.stdout).toContain('skipped');
  });
});

describe('crash safety', () => {
  // A kill at each action boundary, and inside writes: every file still parses, every secret is in
  // its file or in the keychain, and a new fix completes.
  const points = [
    ...Array.from({ length: 31 }, (_, i) => `action:before:${i}`),
    'action:after:12',
    'write:temp-written@1',
    'write:temp-synced@3',
    'write:renamed@5',
  ];
  test.each(points)('killed at %s', (point) => {
    const sb = fresh(`crash-${point.replace(/\W/g, '')}`);
    const r = run(sb, ['fix', '--yes'], { MCP_HARDEN_TEST_HOOKS: '1', MCP_HARDEN_TEST_CRASH: point });
    expect(r.signal === 'SIGKILL' || r.code === 0, `exit ${r.code} ${r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`).toBe(true);
    const audit = run(sb, ['audit', '--json']);
    const report = JSON.parse(audit.stdout);
    expect(report.findings.filter((f: { rule: string }) => f.rule === 'config-unparseable')).toEqual([]);
    for (const [name, value] of Object.entries(sb.secrets)) {
      if (name === 'linear') continue;
      const inFiles = filesHolding(sb.root, value).filter((p) => !isState(p)).length > 0;
      const inKeychain = DEMO_ACCOUNTS.some((a) => lookup(a) === value);
      expect(inFiles || inKeychain, `${name} lost after a kill at ${point}`).toBe(true);
    }
    // The interrupted run is reported, and a new fix completes.
    const again = run(sb, ['fix', '--yes']);
    expect(again.code).toBe(0);
    if (r.signal === 'SIGKILL') {
      expect(audit.stderr).toContain('was interrupted');
      expect(again.stderr).toContain('was interrupted');
    }
    // Shell history keeps its lines without --remove-history.
    for (const name of MIGRATED.filter((n) => n !== 'github' && n !== 'anthropic')) {
      expect(filesHolding(sb.root, sb.secrets[name]).filter((p) => !isState(p)), name).toEqual([]);
    }
  });
});
