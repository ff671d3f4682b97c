// The built binary, run as a user would, on a sandbox HOME and workspace with synthetic tokens.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, lstatSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSandbox, type Sandbox } from '../../src/demo/sandbox.js';
import { buildDist, CLI, ROOT } from '../helpers/e2e.js';
import { fakeToken } from '../helpers/tokens.js';


let sb: Sandbox;
const outputs: string[] = [];

function run(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...sb.env, ...extraEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  outputs.push(r.stdout, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function snapshot(dir: string, acc = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) snapshot(p, acc);
    else acc.set(p, `${(st.mode & 0o777).toString(8)}:${st.mtimeMs}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
  }
  return acc;
}

const fp = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 12);

beforeAll(() => {
  buildDist();
  sb = buildSandbox({ seed: 'e2e' });
});

afterAll(() => {
  // Whatever ran, no secret value was ever printed.
  const all = outputs.join('\n');
  for (const [name, value] of Object.entries(sb.secrets)) {
    expect(all.includes(value), `${name} appeared in output`).toBe(false);
  }
  rmSync(sb.root, { recursive: true, force: true });
});

describe('audit on a machine with several clients', () => {
  test('the human report lists clients, servers and masked secrets, and exits 1', () => {
    const before = snapshot(sb.root);
    const r = run(['audit', '--workspace', sb.workspace]);
    expect(r.code).toBe(1);
    for (const client of ['Claude Code', 'Cursor', 'VS Code', 'Windsurf', 'Gemini CLI', 'Codex']) expect(r.stdout).toContain(client);
    for (const server of ['github', 'slack', 'brave-search', 'postgres', 'linear', 'sentry', 'docs', 'notion', 'filesystem', 'stripe']) {
      expect(r.stdout).toContain(server);
    }
    expect(r.stdout).toContain('ghp_…(40)');
    expect(r.stdout).toContain(`sha256:${fp(sb.secrets.github)}`);
    expect(r.stdout).toMatch(/Audit failed: \d+ findings at or above high/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // NO_COLOR is set in the sandbox env
    // Nothing changed on disk: contents, modes and times.
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('--json is one document with servers, findings and secret fingerprints', () => {
    const r = run(['audit', '--json', '--workspace', sb.workspace]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const server = (name: string, client: string) => report.servers.find((s: any) => s.name === name && s.client === client);
    expect(server('github', 'claude-code')).toMatchObject({ scope: 'user', transport: 'stdio', file: join(sb.home, '.claude.json') });
    expect(server('slack', 'claude-code')).toMatchObject({ scope: 'local', project: sb.workspace });
    expect(server('linear', 'windsurf')).toMatchObject({ transport: 'http' });
    expect(server('docs', 'codex')).toMatchObject({ scope: 'user' });
    expect(server('notion', 'claude-code')).toMatchObject({ scope: 'project' });

    const gh = report.findings.find((f: any) => f.rule === 'plaintext-secret' && f.server === 'github' && f.client === 'claude-code');
    expect(gh).toMatchObject({ severity: 'high', file: join(sb.home, '.claude.json'), line: 12 });
    expect(gh.secret).toEqual({ provider: 'github', kind: expect.any(String), fingerprint: fp(sb.secrets.github), masked: 'ghp_…(40)' });
    // One secret, several locations: ~/.claude.json, its backup and shell history.
    const ghSecret = report.secrets.find((s: any) => s.fingerprint === fp(sb.secrets.github));
    expect(ghSecret.locations.map((l: any) => l.where).sort()).toEqual(['backup', 'env', 'history']);

    const rules = (file: string) => report.findings.filter((f: any) => f.file === file).map((f: any) => f.rule);
    expect(rules(join(sb.workspace, '.mcp.json'))).toEqual(
      expect.arrayContaining(['secret-file-tracked', 'plaintext-secret', 'broad-filesystem-access', 'insecure-transport', 'unpinned-package']),
    );
    expect(rules(join(sb.workspace, '.env'))).toEqual(expect.arrayContaining(['plaintext-secret', 'env-not-gitignored', 'file-permissions']));
    expect(rules(join(sb.workspace, '.env.local'))).not.toContain('env-not-gitignored');
    expect(rules(join(sb.workspace, '.env.local'))).toContain('plaintext-secret');
    expect(rules(join(sb.workspace, '.env.example'))).toEqual([]);
    expect(rules(join(sb.workspace, 'node_modules/some-lib/.env'))).toEqual([]);
    expect(rules(join(sb.home, '.bash_history'))).toEqual(['secret-in-shell-history', 'secret-in-shell-history']);
    expect(rules(join(sb.workspace, '.cursor/mcp.json'))).toContain('dangerous-container');
    // The VS Code user config uses ${input:…}: nothing to report there.
    expect(rules(join(sb.home, '.config/Code/User/mcp.json'))).toEqual([]);
    expect(report.summary.failing).toBeGreaterThan(0);
  });

  test('--sarif is SARIF 2.1.0 with rules and locations, and no value fingerprint', () => {
    const r = run(['audit', '--sarif', '--workspace', sb.workspace]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.name).toBe('mcp-harden');
    const tracked = run0.results.find((x: any) => x.ruleId === 'secret-file-tracked');
    expect(tracked.locations[0].physicalLocation.artifactLocation).toMatchObject({ uri: '.mcp.json', uriBaseId: '%SRCROOT%' });
    expect(tracked.level).toBe('error');
    for (const value of Object.values(sb.secrets)) expect(r.stdout).not.toContain(fp(value));
  });

  test('--no-home looks at the workspace only', () => {
    const report = JSON.parse(run(['audit', '--json', '--no-home', '--workspace', sb.workspace]).stdout);
    expect(report.home).toBe(false);
    expect(report.sources.every((s: any) => s.file.startsWith(sb.workspace))).toBe(true);
    expect(report.findings.some((f: any) => f.file.startsWith(sb.home))).toBe(false);
  });

  test('--config audits exactly that file, --client forces its kind', () => {
    const file = join(sb.home, '.cursor', 'mcp.json');
    const report = JSON.parse(run(['audit', '--json', '--config', file, '--workspace', sb.workspace]).stdout);
    expect(report.sources.map((s: any) => s.file)).toEqual([file]);
    expect(report.servers.map((s: any) => s.name).sort()).toEqual(['brave-search', 'postgres']);
    const forced = JSON.parse(run(['audit', '--json', '--config', file, '--client', 'windsurf']).stdout);
    expect(forced.servers[0].client).toBe('windsurf');
  });

  test('--fail-on sets the threshold', () => {
    expect(run(['audit', '--fail-on', 'critical', '--workspace', sb.workspace]).code).toBe(1);
    expect(run(['audit', '--fail-on', 'critical', '--no-home', '--workspace', sb.home]).code).toBe(0);
  });

  test('the policy ignore list suppresses accepted findings, which the report still shows', () => {
    const policy = join(sb.workspace, 'mcp-harden.policy.json');
    writeFileSync(
      policy,
      JSON.stringify({ ignore: [{ rule: 'secret-file-tracked', path: '.mcp.json', reason: 'demo repository, tokens are rotated' }] }),
    );
    try {
      const r = run(['audit', '--json', '--fail-on', 'critical', '--no-home', '--workspace', sb.workspace]);
      const report = JSON.parse(r.stdout);
      const tracked = report.findings.find((f: any) => f.rule === 'secret-file-tracked');
      expect(tracked.suppressed).toEqual({ reason: 'demo repository, tokens are rotated' });
      expect(r.code).toBe(0);
      const human = run(['audit', '--fail-on', 'critical', '--no-home', '--workspace', sb.workspace]);
      expect(human.stdout).toContain('demo repository, tokens are rotated');
    } finally {
      rmSync(policy);
    }
  });

  test('a broken policy file is a usage error with one clear line', () => {
    const policy = join(sb.workspace, 'mcp-harden.policy.json');
    writeFileSync(policy, '{ "ignore": [ { "rule": "plaintext-secret" } ] }');
    try {
      const r = run(['audit', '--no-home', '--workspace', sb.workspace]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('needs a "reason"');
    } finally {
      rmSync(policy);
    }
  });

  test('--baseline fails only on new findings', () => {
    const baseline = join(sb.root, 'baseline.json');
    writeFileSync(baseline, run(['audit', '--json', '--no-home', '--workspace', sb.workspace]).stdout);
    expect(run(['audit', '--baseline', baseline, '--no-home', '--workspace', sb.workspace]).code).toBe(0);
    const extra = join(sb.workspace, 'extra.env');
    const token = fakeToken('github-classic', 'e2e-new');
    writeFileSync(extra, `GITHUB_TOKEN=${token}\n`, { mode: 0o600 });
    try {
      const r = run(['audit', '--json', '--baseline', baseline, '--no-home', '--workspace', sb.workspace]);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      const failing = report.findings.filter((f: any) => !f.inBaseline && !f.suppressed && ['high', 'critical'].includes(f.severity));
      expect(failing.map((f: any) => f.file)).toEqual([extra]);
      expect(r.stdout).not.toContain(token);
    } finally {
      rmSync(extra);
    }
  });

  test('a malformed config is a finding with its position, not a crash', () => {
    const bad = join(sb.root, 'broken', '.mcp.json');
    spawnSync('mkdir', ['-p', join(sb.root, 'broken')]);
    writeFileSync(bad, '{\n  "mcpServers": {\n    "x": { "command": "npx" \n  }\n');
    const r = run(['audit', '--json', '--config', bad]);
    expect(r.code).toBe(0); // medium is below the default threshold
    const f = JSON.parse(r.stdout).findings.find((x: any) => x.rule === 'config-unparseable');
    expect(f).toMatchObject({ severity: 'medium', file: bad, line: expect.any(Number), column: expect.any(Number) });
  });

  test('a .env linked to a file outside the workspace and home is read and reported, never changed', () => {
    const outside = join(sb.root, 'elsewhere');
    spawnSync('mkdir', ['-p', outside]);
    const target = join(outside, 'shared.env');
    const token = fakeToken('github-classic', 'e2e-linked');
    writeFileSync(target, `GITHUB_TOKEN=${token}\n`, { mode: 0o644 });
    const link = join(sb.workspace, 'linked.env');
    symlinkSync(target, link);
    try {
      const before = snapshot(outside);
      const r = run(['audit', '--json', '--no-home', '--workspace', sb.workspace]);
      const findings = JSON.parse(r.stdout).findings.filter((f: any) => f.file === link);
      expect(findings.map((f: any) => f.rule)).toEqual(expect.arrayContaining(['symlink-outside', 'plaintext-secret']));
      expect(r.stdout).not.toContain(token);
      expect(snapshot(outside)).toEqual(before);
    } finally {
      rmSync(link);
    }
  });

  test('an unreadable .env is a clear note, not a crash (run as an unprivileged user: root reads anything)', () => {
    const ws = join(sb.root, 'unreadable');
    spawnSync('mkdir', ['-p', ws]);
    writeFileSync(join(ws, '.env'), `GITHUB_TOKEN=${fakeToken('github-classic', 'e2e-unreadable')}\n`, { mode: 0o000 });
    spawnSync('chmod', ['755', sb.root, ws]);
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'audit', '--json', '--no-home', '--workspace', ws],
      { encoding: 'utf8', env: { ...sb.env, HOME: '/nonexistent' } },
    );
    outputs.push(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).notes).toContain(`could not read ${join(ws, '.env')}: permission denied`);
  });

  test('usage errors exit 2 with one line', () => {
    const bogus = run(['audit', '--fail-on', 'bogus']);
    expect(bogus.code).toBe(2);
    const missing = run(['audit', '--workspace', join(sb.root, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(run(['audit', '--json', '--sarif']).code).toBe(2);
  });

  test('without a terminal the bare command points to audit and exits 2', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mcp-harden audit');
  });

  test('--help and --version', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('audit');
    expect(run(['audit', '--help']).stdout).toContain('--fail-on');
    expect(run(['--version']).stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('demo builds a sandbox, says so, audits it and removes it', () => {
    const r = run(['demo']);
    expect(r.stderr).toContain('SANDBOX');
    const where = /HOME\s+(\S+)/.exec(r.stderr)?.[1];
    expect(where).toBeTruthy();
    expect(existsSync(where!)).toBe(false);
    expect(r.stdout).toContain('Claude Code');
    expect(r.code).toBe(0);
  });
});
