// Filesystem servers given `/`, `~` or the home directory, narrowed to the workspace: planned from
// the audit's broad-filesystem-access findings whatever the trust, applied to JSON and TOML with
// their formatting kept.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { computeNarrowRoots } from '../../src/app/apply.js';
import { scan } from '../../src/app/audit.js';
import { narrowRoots, planMigration } from '../../src/app/plan.js';
import { describeAction } from '../../src/cli/output/plan.js';
import type { Located, Server } from '../../src/core/model.js';
import type { Action, Plan } from '../../src/core/plan.js';
import type { AuditReport } from '../../src/core/report.js';
import { serverRisks } from '../../src/core/risks.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { actionLabel, localActionWhy } from '../../src/wizard/data.js';
import { noWorkspace } from '../helpers/workspace.js';

const dirs: string[] = [];
afterAll(() => {
  for (const r of dirs) rmSync(r, { recursive: true, force: true });
});

type Narrow = Extract<Action, { kind: 'narrow-roots' }>;

/** A home with the workspace inside it (the usual case), unless `wsOutside`. */
function machine(opts: { wsOutside?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-roots-'));
  dirs.push(root);
  const home = join(root, 'home');
  const workspace = opts.wsOutside ? join(root, 'ws') : join(home, 'ws');
  mkdirSync(workspace, { recursive: true });
  return { root, home, workspace };
}

function write(file: string, text: string) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

async function planOn(m: { home: string; workspace: string }, trust?: Map<string, TrustLevel>) {
  const host = { platform: 'linux' as const, home: m.home, env: { HOME: m.home } };
  const { report, details } = await scan(nodeFs, noWorkspace, { host, workspace: m.workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' });
  const { plan } = planMigration(report, details, { workspace: m.workspace, home: m.home, platform: 'linux', launcherPath: '/l/mcp-harden-launch', ...(trust ? { trust } : {}) });
  return { report, plan, narrow: plan.actions.filter((a): a is Narrow => a.kind === 'narrow-roots') };
}

const FS = '@modelcontextprotocol/server-filesystem';
const servers = (key: string, s: Record<string, unknown>) => JSON.stringify({ [key]: s }, null, 2) + '\n';
const fsServer = (...roots: string[]) => ({ command: 'npx', args: ['-y', FS, ...roots] });

describe('planning narrower roots', () => {
  test('a Claude Code local config: `~`, `/` and the home path each become the workspace’s absolute path', async () => {
    const m = machine();
    write(join(m.home, '.claude.json'), JSON.stringify({ projects: { [m.workspace]: { mcpServers: { a: fsServer('~'), b: fsServer('/'), c: fsServer(m.home) } } } }, null, 2));
    const { narrow } = await planOn(m);
    expect(narrow.map((a) => [a.server, a.roots, a.to])).toEqual([
      ['a', ['~'], m.workspace],
      ['b', ['/'], m.workspace],
      ['c', [m.home], m.workspace],
    ]);
    expect(narrow[0]).toMatchObject({ file: join(m.home, '.claude.json'), client: 'claude-code', serverPath: ['projects', m.workspace, 'mcpServers', 'a'] });
  });

  test('a user config serves every project: never this workspace’s path; ${workspaceFolder} where the client has it, else a note', async () => {
    const m = machine();
    write(join(m.home, '.cursor/mcp.json'), servers('mcpServers', { cur: fsServer('~') }));
    write(join(m.home, '.gemini/settings.json'), servers('mcpServers', { gem: fsServer('/') }));
    write(join(m.home, '.claude.json'), servers('mcpServers', { cc: fsServer('~') }));
    const { plan, narrow } = await planOn(m);
    expect(narrow.map((a) => [a.client, a.server, a.to])).toEqual([['cursor', 'cur', '${workspaceFolder}']]);
    expect(JSON.stringify(plan.actions)).not.toContain(m.workspace);
    const notes = plan.leftOver.filter((l) => l.rule === 'broad-filesystem-access');
    expect(notes.map((l) => l.server).sort()).toEqual(['cc', 'gem']);
    for (const l of notes) expect(l.why).toMatch(/serves every project/);
  });

  test('a committed project config gets a path relative to the workspace, never this machine’s', async () => {
    const m = machine();
    write(join(m.workspace, '.mcp.json'), servers('mcpServers', { files: fsServer('/') }));
    write(join(m.workspace, '.vscode/mcp.json'), servers('servers', { files: { type: 'stdio', ...fsServer('~') } }));
    write(join(m.workspace, '.cursor/mcp.json'), servers('mcpServers', { files: fsServer('~') }));
    const { narrow } = await planOn(m);
    expect(narrow.map((a) => [a.client, a.to])).toEqual(
      expect.arrayContaining([
        ['claude-code', '.'],
        ['vscode', '${workspaceFolder}'],
        ['cursor', '${workspaceFolder}'],
      ]),
    );
    expect(narrow).toHaveLength(3);
    for (const a of narrow) expect(a.to).not.toContain(m.root);
  });

  test('whatever the trust: a trusted filesystem server is narrowed too', async () => {
    const m = machine();
    write(join(m.home, '.cursor/mcp.json'), servers('mcpServers', { files: fsServer('/') }));
    const { narrow } = await planOn(m, new Map([['files', 'trusted']]));
    expect(narrow).toEqual([expect.objectContaining({ server: 'files', roots: ['/'] })]);
  });

  test('roots that are already narrow get nothing; only the broad one of several is planned', async () => {
    const m = machine();
    const project = join(m.home, 'other-project');
    write(join(m.home, '.cursor/mcp.json'), servers('mcpServers', { narrow: fsServer(m.workspace, project), mixed: fsServer(project, '~') }));
    const { narrow } = await planOn(m);
    expect(narrow).toEqual([expect.objectContaining({ server: 'mixed', roots: ['~'] })]);
  });

  test('Claude Code local servers: this workspace’s are narrowed, another project’s are not', async () => {
    const m = machine();
    const elsewhere = join(m.home, 'elsewhere');
    write(
      join(m.home, '.claude.json'),
      JSON.stringify({ projects: { [m.workspace]: { mcpServers: { mine: fsServer('/') } }, [elsewhere]: { mcpServers: { theirs: fsServer('/') } } } }, null, 2),
    );
    const { narrow } = await planOn(m);
    expect(narrow.map((a) => [a.server, a.to])).toEqual([['mine', m.workspace]]);
  });

  test('a root that does not hold the workspace is left for the user, and said so', async () => {
    const m = machine({ wsOutside: true });
    write(join(m.home, '.cursor/mcp.json'), servers('mcpServers', { files: fsServer('~') }));
    const { plan, narrow } = await planOn(m);
    expect(narrow).toEqual([]);
    expect(plan.leftOver).toEqual([expect.objectContaining({ rule: 'broad-filesystem-access', server: 'files', why: expect.stringContaining('does not hold this workspace') })]);
  });

  test('Windows: a drive root and %USERPROFILE% become the workspace; another drive is left for the user', () => {
    const home = 'C:\\Users\\me';
    const workspace = 'C:\\Users\\me\\src\\app';
    const at = (value: string, i: number): Located => ({ value, path: ['mcpServers', 'files', 'args', i], line: 3, column: 10 + i * 5 });
    const server = (name: string, roots: string[]): Server => ({
      name,
      client: 'cursor',
      scope: 'user',
      file: `${home}\\.cursor\\mcp.json`,
      path: ['mcpServers', name],
      line: 2,
      column: 5,
      transport: 'stdio',
      command: { value: 'npx', path: ['mcpServers', name, 'command'], line: 3, column: 2 },
      args: ['-y', FS, ...roots].map(at),
      env: [],
      headers: [],
    });
    const servers = [server('a', ['C:\\', '%USERPROFILE%']), server('b', ['D:\\'])];
    const report = { findings: servers.flatMap((s) => serverRisks(s, home)) } as unknown as AuditReport;
    expect(report.findings.filter((f) => f.rule === 'broad-filesystem-access')).toHaveLength(3);
    const leftOver: Plan['leftOver'] = [];
    const actions = narrowRoots(servers, report, { workspace, home, platform: 'win32' }, () => true, leftOver);
    expect(actions).toEqual([expect.objectContaining({ server: 'a', roots: ['C:\\', '%USERPROFILE%'], to: '${workspaceFolder}' })]);
    expect(leftOver).toEqual([expect.objectContaining({ server: 'b', why: expect.stringContaining('D:\\ does not hold') })]);
  });

  test('a server that only has "filesystem" in its name is not narrowed, and an option’s value is never taken for a root', async () => {
    const m = machine();
    write(
      join(m.home, '.claude.json'),
      JSON.stringify({ projects: { [m.workspace]: { mcpServers: { 'filesystem-tools': { command: 'uvx', args: ['some-tool==1.0', '--cache-dir', '~', '--root', '/'] } } } } }),
    );
    const { report, plan, narrow } = await planOn(m);
    expect(narrow).toEqual([]);
    expect(plan.leftOver.filter((l) => l.rule === 'broad-filesystem-access')).toEqual([]);
    // The audit still looks at servers named like a filesystem server, but only at their positional arguments.
    expect(report.findings.filter((f) => f.rule === 'broad-filesystem-access')).toEqual([]);
  });

  test('the filesystem server’s roots are its positional arguments after what npx runs, not npx’s own', async () => {
    const m = machine();
    write(join(m.workspace, '.mcp.json'), servers('mcpServers', { files: { command: 'npx', args: ['-y', '-p', FS, 'mcp-server-filesystem', '~'] } }));
    const { narrow } = await planOn(m);
    expect(narrow.map((a) => [a.roots, a.rootPaths])).toEqual([[['~'], [['mcpServers', 'files', 'args', 4]]]]);
  });

  test('containers are left alone: their roots are paths inside the container', async () => {
    const m = machine();
    write(join(m.home, '.cursor/mcp.json'), servers('mcpServers', { filesystem: { command: 'docker', args: ['run', '-i', '--rm', 'mcp/filesystem', '/'] } }));
    const { report, narrow } = await planOn(m);
    expect(report.findings.map((f) => f.rule)).toContain('broad-filesystem-access');
    expect(narrow).toEqual([]);
  });

  test('`fix --only roots` keeps them, `--only readonly` does not', async () => {
    const m = machine();
    write(join(m.home, '.cursor/mcp.json'), servers('mcpServers', { files: fsServer('/') }));
    const host = { platform: 'linux' as const, home: m.home, env: { HOME: m.home } };
    const { report, details } = await scan(nodeFs, noWorkspace, { host, workspace: m.workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' });
    const base = { workspace: m.workspace, home: m.home, platform: 'linux' as const, launcherPath: '/l/x' };
    expect(planMigration(report, details, { ...base, only: ['roots'] }).plan.actions.map((a) => a.kind)).toEqual(['narrow-roots']);
    expect(planMigration(report, details, { ...base, only: ['readonly'] }).plan.actions.map((a) => a.kind)).not.toContain('narrow-roots');
  });

  test('the plan line, the wizard label and its why name the roots and the workspace', async () => {
    const m = machine();
    write(join(m.home, '.claude.json'), JSON.stringify({ projects: { [m.workspace]: { mcpServers: { files: fsServer('/') } } } }));
    const { narrow } = await planOn(m);
    expect(describeAction(narrow[0]!, [], { color: false, width: 200, home: m.home, workspace: m.workspace })).toBe('roots       "files" in ~/.claude.json: / → ~/ws');
    expect(actionLabel(narrow[0]!, { home: m.home, workspace: m.workspace })).toBe('roots "files": / → ~/ws');
    expect(localActionWhy(narrow[0]!)).toMatch(/everything under \/; the workspace/);
  });
});

describe('applying narrower roots', () => {
  test('JSONC: only the root changes; comments, layout and the other arguments stay', async () => {
    const m = machine();
    const file = join(m.home, '.cursor/mcp.json');
    const text = `{
  // filesystem access
  "mcpServers": {
    "files": {
      "command": "npx",
      "args": ["-y", "${FS}", "~", "--verbose"]   // the home, for now
    }
  }
}
`;
    write(file, text);
    const { narrow } = await planOn(m);
    const change = await computeNarrowRoots(narrow[0]!);
    expect(change.after).toBe(text.replace('"~"', JSON.stringify('${workspaceFolder}')));
  });

  test('two broad roots: the first becomes the workspace, the second goes', async () => {
    const m = machine();
    const file = join(m.home, '.cursor/mcp.json');
    write(file, servers('mcpServers', { files: fsServer('~', '/') }));
    const { narrow } = await planOn(m);
    expect(narrow[0]!.roots).toEqual(['~', '/']);
    const change = await computeNarrowRoots(narrow[0]!);
    expect(JSON.parse(change.after).mcpServers.files.args).toEqual(['-y', FS, '${workspaceFolder}']);
  });

  test('TOML (Codex project config): the root is replaced in place, comments kept', async () => {
    const m = machine();
    const file = join(m.workspace, '.codex/config.toml');
    const toml = `# servers\n[mcp_servers.files]\ncommand = "npx"\nargs = ["-y", "${FS}", "/"] # whole disk\n`;
    write(file, toml);
    const { narrow } = await planOn(m);
    expect(narrow).toEqual([expect.objectContaining({ client: 'codex', roots: ['/'], to: '.' })]);
    const change = await computeNarrowRoots(narrow[0]!);
    expect(change.after).toBe(toml.replace('"/"', '"."'));
  });

  test('idempotent: once written, nothing is planned and the action changes nothing', async () => {
    const m = machine();
    const file = join(m.home, '.cursor/mcp.json');
    write(file, servers('mcpServers', { files: fsServer('/') }));
    const { narrow } = await planOn(m);
    const change = await computeNarrowRoots(narrow[0]!);
    writeFileSync(file, change.after);
    expect((await planOn(m)).narrow).toEqual([]);
    const again = await computeNarrowRoots(narrow[0]!);
    expect(again.after).toBe(again.before);
  });

  test('an argument that follows an option is neither replaced nor dropped, even when it holds the root or the workspace', async () => {
    const m = machine();
    const file = join(m.workspace, '.mcp.json');
    write(file, servers('mcpServers', { files: fsServer('/') }));
    const { narrow } = await planOn(m);
    // Edited since the audit: the root moved behind an option, and an option now holds `.`.
    writeFileSync(file, servers('mcpServers', { files: { command: 'npx', args: ['-y', FS, '/', '--log', '.', '--root', '/'] } }));
    const change = await computeNarrowRoots(narrow[0]!);
    expect(JSON.parse(change.after).mcpServers.files.args).toEqual(['-y', FS, '.', '--log', '.', '--root', '/']);
  });

  test('a root the audit saw elsewhere is not touched; behind the launcher it is found one place later', async () => {
    const m = machine();
    const file = join(m.workspace, '.mcp.json');
    write(file, servers('mcpServers', { files: fsServer('/') }));
    const { narrow } = await planOn(m);
    writeFileSync(file, servers('mcpServers', { files: fsServer(m.workspace, '/') }));
    const moved = await computeNarrowRoots(narrow[0]!);
    expect(moved.after).toBe(moved.before);
    writeFileSync(file, servers('mcpServers', { files: { command: 'mcp-harden-launch', args: ['npx', '-y', FS, '/'] } }));
    const launched = await computeNarrowRoots(narrow[0]!);
    expect(JSON.parse(launched.after).mcpServers.files.args).toEqual(['npx', '-y', FS, '.']);
  });

  test('a server moved since the audit is refused, not guessed at', async () => {
    const m = machine();
    const file = join(m.home, '.cursor/mcp.json');
    write(file, servers('mcpServers', { files: fsServer('/') }));
    const { narrow } = await planOn(m);
    writeFileSync(file, servers('mcpServers', { renamed: fsServer('/') }));
    await expect(computeNarrowRoots(narrow[0]!)).rejects.toThrow(/no longer in/);
  });
});
