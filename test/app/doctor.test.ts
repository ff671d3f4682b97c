// doctor on a temporary HOME: the real audit discovery and launcher checks, the in-memory keychain.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore, type MemoryState } from '../../src/adapters/secret-store/memory.js';
import { scan, type WorkspacePort } from '../../src/app/audit.js';
import { nodeVersionOk, runDoctor, type DoctorReport } from '../../src/app/doctor.js';
import type { HandMadeSource } from '../../src/app/import-items.js';
import { Journal } from '../../src/app/journal.js';
import { launcherInstallPath, launcherLinkPath } from '../../src/app/launcher.js';
import { SecretsMeta } from '../../src/app/secrets-meta.js';
import { stateDirPath } from '../../src/app/state.js';
import { renderDoctor } from '../../src/cli/doctor-command.js';
import type { HostEnv } from '../../src/core/model.js';

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

const noWalk: WorkspacePort = {
  findEnvFiles: async () => ({ files: [], dirsRead: 0, filesSeen: 0, errors: [] }),
  gitFacts: async () => ({ isRepo: false, tracked: new Set<string>(), ignored: new Set<string>() }),
};

interface Machine {
  host: HostEnv;
  workspace: string;
  bin: string;
}

/** A HOME with its own XDG dirs and a PATH holding only a stand-in secret-tool (and what we add). */
function machine(opts: { secretTool?: boolean; pathHasLocalBin?: boolean } = {}): Machine {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-doctor-'));
  temps.push(root);
  const home = join(root, 'home');
  const workspace = join(root, 'project');
  const bin = join(root, 'bin');
  for (const d of [home, workspace, bin]) mkdirSync(d, { recursive: true });
  if (opts.secretTool !== false) {
    writeFileSync(join(bin, 'secret-tool'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(bin, 'secret-tool'), 0o755);
  }
  const path = [bin, ...(opts.pathHasLocalBin ? [join(home, '.local', 'bin')] : [])].join(':');
  const host: HostEnv = {
    platform: 'linux',
    home,
    env: { HOME: home, PATH: path, XDG_DATA_HOME: join(home, '.local', 'share'), XDG_STATE_HOME: join(home, '.local', 'state'), XDG_CONFIG_HOME: join(home, '.config') },
  };
  return { host, workspace, bin };
}

function doctor(
  m: Machine,
  opts: {
    store?: MemorySecretStore;
    state?: MemoryState;
    node?: string;
    repair?: boolean;
    handMade?: HandMadeSource;
    toolFallbacks?: string[];
    policy?: { file: string; secrets: { name: string; servers: string[] }[] };
  } = {},
) {
  const store = opts.store ?? new MemorySecretStore({ state: opts.state ?? 'ready' });
  return runDoctor(
    {
      host: m.host,
      nodeVersion: opts.node ?? '24.1.0',
      openStore: async () => store,
      scan: () => scan(nodeFs, noWalk, { host: m.host, workspace: m.workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' }),
      ...(opts.handMade ? { handMade: opts.handMade } : {}),
      ...(opts.toolFallbacks ? { toolFallbacks: { linux: opts.toolFallbacks, darwin: [] } } : {}),
      ...(opts.policy ? { policy: opts.policy } : {}),
    },
    { repair: Boolean(opts.repair) },
  );
}

function lines(report: DoctorReport, topic: string) {
  return report.checks.filter((c) => c.topic === topic);
}

/** A Claude Code user config whose server starts through the launcher (as `fix` writes it). */
function userConfigUsingLauncher(m: Machine): void {
  writeFileSync(
    join(m.host.home, '.claude.json'),
    JSON.stringify({
      mcpServers: {
        github: { command: launcherInstallPath(m.host), args: ['npx', '-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN' } },
        fetch: { command: 'uvx', args: ['mcp-server-fetch'] },
      },
    }),
  );
}

describe('doctor', () => {
  it('is happy on a fresh machine: exit 0, the launcher only a hint since nothing uses it', async () => {
    const m = machine();
    const r = await doctor(m);
    expect(r.exitCode).toBe(0);
    expect(r.ok).toBe(true);
    expect(lines(r, 'node')[0]).toMatchObject({ status: 'ok' });
    expect(lines(r, 'keychain')[0]).toMatchObject({ status: 'ok', text: expect.stringMatching(/in-memory.*ready/) });
    expect(lines(r, 'launcher')[0]).toMatchObject({ status: 'hint', text: expect.stringMatching(/not installed.*no config uses it yet/) });
    expect(r.lookupTool).toEqual({ name: 'secret-tool', path: join(m.bin, 'secret-tool') });
    expect(lines(r, 'clients')[0]).toMatchObject({ status: 'hint', text: expect.stringMatching(/no MCP client config found/) });
  });

  it('fails (exit 1) when a config starts servers through a launcher that is not installed, and --repair installs it', async () => {
    const m = machine();
    userConfigUsingLauncher(m);
    const before = await doctor(m);
    expect(before.exitCode).toBe(1);
    expect(before.launcher?.usedBy).toEqual({ byPath: 1, byName: 0 });
    expect(lines(before, 'launcher')[0]).toMatchObject({ status: 'problem', text: expect.stringMatching(/not installed.*1 server starts through it/), hint: expect.stringMatching(/doctor --repair/) });
    expect(lines(before, 'clients')[0]!.text).toBe('clients: Claude Code (1 file, 2 servers)');

    const repaired = await doctor(m, { repair: true });
    expect(lines(repaired, 'repair')[0]).toMatchObject({ status: 'ok', text: expect.stringMatching(/installed the launcher.*linked it as ~\/\.local\/bin\/mcp-harden-launch/) });
    expect(repaired.launcher).toMatchObject({ installed: true, upToDate: true, executable: true, link: 'ok' });
    expect(repaired.exitCode).toBe(0);
    expect((await doctor(m)).exitCode).toBe(0);
  });

  it('fails when a committed project config names the launcher but it is not on PATH', async () => {
    const m = machine();
    writeFileSync(join(m.workspace, '.mcp.json'), JSON.stringify({ mcpServers: { gh: { command: 'mcp-harden-launch', args: ['npx', 'server'] } } }));
    const r = await doctor(m, { repair: true });
    expect(r.launcher).toMatchObject({ installed: true, link: 'ok', reachable: false, usedBy: { byPath: 0, byName: 1 } });
    const reach = lines(r, 'launcher').find((c) => /PATH/.test(c.text))!;
    expect(reach).toMatchObject({ status: 'problem', hint: `add ${join(m.host.home, '.local', 'bin')} to PATH in your shell profile` });
    expect(r.exitCode).toBe(1);

    const onPath = machine({ pathHasLocalBin: true });
    writeFileSync(join(onPath.workspace, '.mcp.json'), JSON.stringify({ mcpServers: { gh: { command: 'mcp-harden-launch', args: ['npx', 'server'] } } }));
    const ok = await doctor(onPath, { repair: true });
    expect(ok.launcher).toMatchObject({ reachable: true, onPath: launcherLinkPath(onPath.host) });
    expect(ok.exitCode).toBe(0);
  });

  it('flags a missing secret-tool as a problem once a config needs the launcher', async () => {
    const m = machine({ secretTool: false });
    const idle = await doctor(m, { toolFallbacks: [] });
    expect(idle.lookupTool).toEqual({ name: 'secret-tool', path: null });
    expect(lines(idle, 'lookup-tool')[0]).toMatchObject({ status: 'hint' });
    expect(idle.exitCode).toBe(0);
    userConfigUsingLauncher(m);
    const used = await doctor(m, { repair: true, toolFallbacks: [] });
    expect(lines(used, 'lookup-tool')[0]).toMatchObject({ status: 'problem', hint: expect.stringMatching(/libsecret-tools/) });
    expect(used.exitCode).toBe(1);
  });

  it('exits 10 with the headless explanation when there is no Secret Service, and never suggests the kernel keyring', async () => {
    const m = machine();
    const r = await doctor(m, { state: 'missing-backend' });
    expect(r.exitCode).toBe(10);
    expect(r.keychain.state).toBe('missing-backend');
    const k = lines(r, 'keychain')[0]!;
    expect(k.status).toBe('problem');
    expect(k.hint).toMatch(/gnome-keyring/);
    expect(k.hint).toMatch(/D-Bus session/);
    expect(k.hint).toMatch(/Level 1/);
    expect(renderDoctor(r)).not.toMatch(/keyctl|kernel keyring|keyutils/i);
  });

  it('exits 10 on a locked keychain, saying it is locked', async () => {
    const r = await doctor(machine(), { state: 'locked' });
    expect(r.exitCode).toBe(10);
    expect(lines(r, 'keychain')[0]!.text).toMatch(/locked/);
    expect(lines(r, 'secrets')[0]).toMatchObject({ status: 'hint', text: expect.stringMatching(/not checked/) });
  });

  it('points interrupted runs to fix --yes and undo RUN', async () => {
    const m = machine();
    const journal = new Journal({ stateDir: stateDirPath(m.host) });
    const id = await journal.begin({ workspace: m.workspace, actions: 1, kinds: { chmod: 1 } });
    await journal.before(0, { kind: 'chmod', file: join(m.workspace, '.env'), from: 0o644, to: 0o600 }, []);
    await journal.close();
    const r = await doctor(m);
    expect(r.interruptedRuns).toEqual([expect.objectContaining({ id, unfinished: [0] })]);
    expect(lines(r, 'runs')[0]).toMatchObject({ status: 'problem', text: expect.stringContaining(id), hint: expect.stringMatching(new RegExp(`fix --yes.*undo ${id}`)) });
    expect(r.exitCode).toBe(1);
  });

  it('finds stored secrets whose keychain item is gone', async () => {
    const m = machine();
    const meta = new SecretsMeta({ stateDir: stateDirPath(m.host) });
    await meta.recordStored({ service: 'mcp-harden', account: 'GITHUB_TOKEN', provider: 'github', kind: 'pat-classic' });
    await meta.recordStored({ service: 'mcp-harden', account: 'SLACK_BOT_TOKEN', provider: 'slack', kind: 'bot' });
    const store = new MemorySecretStore({ items: [['mcp-harden', 'GITHUB_TOKEN', 'syn-value-not-a-credential']] });
    const r = await doctor(m, { store });
    expect(r.secrets).toEqual({ checked: true, recorded: 2, missing: [{ service: 'mcp-harden', account: 'SLACK_BOT_TOKEN' }] });
    expect(lines(r, 'secrets')).toEqual([expect.objectContaining({ status: 'problem', text: expect.stringContaining('mcp-harden/SLACK_BOT_TOKEN') })]);
    expect(r.exitCode).toBe(1);

    await store.set('mcp-harden', 'SLACK_BOT_TOKEN', 'syn-other-value');
    const fixed = await doctor(m, { store });
    expect(lines(fixed, 'secrets')[0]).toMatchObject({ status: 'ok', text: 'secrets: 2 secrets stored, every one in the keychain' });
    expect(fixed.exitCode).toBe(0);
  });

  it('names the secrets the team policy requires that this keychain lacks, and points to onboard', async () => {
    const m = machine();
    const policy = { file: 'mcp-harden.policy.json', secrets: [{ name: 'GITHUB_TOKEN', servers: ['github'] }, { name: 'NOTION_TOKEN', servers: ['notion'] }] };
    const store = new MemorySecretStore({ items: [['mcp-harden', 'GITHUB_TOKEN', 'syn-value-not-a-credential']] });
    const r = await doctor(m, { store, policy });
    expect(r.policyMissing).toEqual(['NOTION_TOKEN']);
    expect(lines(r, 'secrets')).toContainEqual(
      expect.objectContaining({ status: 'problem', text: expect.stringMatching(/^policy: NOTION_TOKEN is required by mcp-harden\.policy\.json/), hint: expect.stringContaining('mcp-harden onboard') }),
    );
    expect(r.exitCode).toBe(1);
    await store.set('mcp-harden', 'NOTION_TOKEN', 'syn-other-value');
    const fixed = await doctor(m, { store, policy });
    expect(fixed.policyMissing).toEqual([]);
    expect(lines(fixed, 'secrets')).toContainEqual(expect.objectContaining({ status: 'ok', text: 'policy: every secret mcp-harden.policy.json requires is in the keychain' }));
    expect(fixed.exitCode).toBe(0);
    // Without a usable keychain it is not checked (the keychain line says why).
    expect((await doctor(m, { state: 'missing-backend', policy })).policyMissing).toBeNull();
  });

  it('says plainly when Node is too old', async () => {
    const r = await doctor(machine(), { node: '20.19.2' });
    expect(lines(r, 'node')[0]).toMatchObject({ status: 'problem', text: 'Node 20.19.2 is too old: mcp-harden needs Node 22.15 or later' });
    expect(r.exitCode).toBe(1);
    expect(nodeVersionOk('22.14.9')).toBe(false);
    expect(nodeVersionOk('22.15.0')).toBe(true);
    expect(nodeVersionOk('23.0.0')).toBe(true);
  });

  it('mentions hand-made keychain items that can be imported', async () => {
    const handMade: HandMadeSource = {
      unsupported: null,
      find: async () => [{ service: 'github-pat', username: 'mcp-github', count: 1 }],
      read: async () => null,
    };
    const r = await doctor(machine(), { handMade });
    expect(r.importable).toBe(1);
    expect(lines(r, 'import')[0]).toMatchObject({ status: 'hint', hint: expect.stringContaining('mcp-harden secrets --import') });
    expect(r.exitCode).toBe(0);
  });

  it('prints one line per fact, each starting with ok, problem or hint', async () => {
    const m = machine();
    userConfigUsingLauncher(m);
    const text = renderDoctor(await doctor(m));
    const factLines = text.split('\n').filter((l) => l !== '' && !l.startsWith(' ') && !/^(Everything|Something|The keychain)/.test(l));
    expect(factLines.length).toBeGreaterThanOrEqual(6);
    for (const l of factLines) expect(l).toMatch(/^(ok|problem|hint)\s+\S/);
    expect(text).toMatch(/^problem +launcher: not installed/m);
    expect(text).toMatch(/^ +→ `mcp-harden doctor --repair` installs it again$/m);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Something needs fixing (exit 1); see above.');
  });
});
