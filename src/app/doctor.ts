// `mcp-harden doctor`: is this machine ready for the hardened setup? Node version, keychain backend
// and its state, the launcher, the lookup tool, the clients found, interrupted runs, and stored
// secrets whose keychain item went missing. Reads only; `--repair` reinstalls and re-links the
// launcher and changes nothing else.
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { posix } from 'node:path';
import { EXIT, KeychainUnavailableError, type KeychainProblem } from '../core/errors.js';
import type { ClientKind, HostEnv, Server } from '../core/model.js';
import type { AuditReport } from '../core/report.js';
import { CLIENT_LABELS } from '../core/clients/index.js';
import type { SecretStore } from '../ports/secret-store.js';
import { describeBackend } from '../adapters/secret-store/index.js';
import type { AuditDetails } from './audit.js';
import { importCandidates, ImportLog, type HandMadeSource } from './import-items.js';
import { Journal } from './journal.js';
import {
  installLauncher,
  LAUNCHER_NAME,
  launcherInstallPath,
  launcherStatus,
  which,
  type InstallLauncherResult,
  type LauncherStatus,
} from './launcher.js';
import { SecretsMeta } from './secrets-meta.js';
import { stateDirPath } from './state.js';

/** The oldest Node that runs mcp-harden (22.15 brings process.execve). */
export const MIN_NODE = { major: 22, minor: 15 } as const;

export type CheckStatus = 'ok' | 'problem' | 'hint';
export type CheckTopic = 'node' | 'keychain' | 'lookup-tool' | 'launcher' | 'clients' | 'runs' | 'secrets' | 'import' | 'repair';

/** One line of the report. */
export interface DoctorCheck {
  topic: CheckTopic;
  status: CheckStatus;
  text: string;
  /** What to do about it. */
  hint?: string;
}

export type KeychainState = 'ready' | KeychainProblem;

export interface DoctorReport {
  schema: 1;
  platform: NodeJS.Platform;
  /** 0 all needed is fine · 1 something is broken · 10 the keychain cannot be used. */
  exitCode: number;
  ok: boolean;
  node: { version: string; required: string; ok: boolean };
  keychain: { backend: string | null; description: string | null; state: KeychainState; message?: string };
  /** secret-tool (Linux) or security (macOS); null where there is none to look for. */
  lookupTool: { name: string; path: string | null } | null;
  /** Null on Windows, where the sh launcher is not used. */
  launcher: (LauncherStatus & { usedBy: { byPath: number; byName: number } }) | null;
  clients: {
    workspace: string;
    found: { client: ClientKind; label: string; files: number; servers: number }[];
    servers: number;
    error?: string;
  };
  interruptedRuns: { id: string; date: string; unfinished: number[] }[];
  secrets: { checked: boolean; recorded: number; missing: { service: string; account: string }[]; error?: string };
  /** Secrets the team policy requires that this keychain lacks; null when not checked. */
  policyMissing: string[] | null;
  /** Hand-made keychain items that can be imported; null when not looked for. */
  importable: number | null;
  repair?: { launcher?: Pick<InstallLauncherResult, 'scriptPath' | 'linkPath' | 'written' | 'link'>; error?: string };
  checks: DoctorCheck[];
}

export interface DoctorDeps {
  host: HostEnv;
  /** process.versions.node */
  nodeVersion: string;
  /** The secret store (not probed yet); may throw KeychainUnavailableError. */
  openStore(): Promise<SecretStore>;
  /** The audit's discovery, read-only. */
  scan(): Promise<{ report: AuditReport; details: AuditDetails }>;
  /** Hand-made items (for the import hint); omit to skip that check. */
  handMade?: HandMadeSource;
  /** The launcher script to compare with (tests); defaults to the shipped one. */
  launcherSource?: string;
  install?(host: HostEnv): Promise<InstallLauncherResult>;
  /** Where to look for the lookup tool when it is not on PATH (default: /usr/bin, as the launcher does). */
  toolFallbacks?: { linux: string[]; darwin: string[] };
  /** The workspace's team policy: the secrets it requires should be in this keychain. */
  policy?: { file: string; secrets: readonly { name: string; servers: readonly string[] }[] };
}

export interface DoctorOptions {
  repair?: boolean;
}

export function nodeVersionOk(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > MIN_NODE.major || (major === MIN_NODE.major && minor >= MIN_NODE.minor);
}

/** How a headless Linux machine gets a Secret Service; never the kernel keyring, which forgets at reboot. */
export const HEADLESS_LINUX_HINT =
  'no Secret Service answers on the D-Bus session bus. On a headless machine (SSH, WSL, a server) install a keyring ' +
  '(Debian/Ubuntu: apt install gnome-keyring libsecret-tools dbus-user-session), make sure a D-Bus session is running ' +
  '(DBUS_SESSION_BUS_ADDRESS set; otherwise start a shell with `dbus-run-session -- $SHELL`), then start and unlock the keyring ' +
  'with `gnome-keyring-daemon --unlock --components=secrets` (type the keyring password, then Ctrl+D). ' +
  'Without a keychain, Level 1 still works: `mcp-harden fix --only chmod,gitignore` keeps secrets in .env files locked down to you (chmod 600, git-ignored).';

function keychainHint(state: KeychainProblem, platform: NodeJS.Platform): string {
  if (state === 'missing-backend' && platform === 'linux') return HEADLESS_LINUX_HINT;
  if (state === 'missing-backend') return 'Level 1 (secrets kept in locked-down .env files) works without a keychain: `mcp-harden fix --only chmod,gitignore`.';
  return 'then run `mcp-harden doctor` again';
}

/** Servers that start through the launcher: by absolute path (user configs) or by name (project configs). */
export function launcherUsers(servers: readonly Server[], scriptPath: string | null): { byPath: number; byName: number } {
  let byPath = 0;
  let byName = 0;
  for (const s of servers) {
    const cmd = s.command?.value;
    if (!cmd) continue;
    if (cmd === LAUNCHER_NAME) byName++;
    else if (posix.basename(cmd) === LAUNCHER_NAME || (scriptPath !== null && cmd === scriptPath)) byPath++;
  }
  return { byPath, byName };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function tilde(path: string, home: string): string {
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

export async function runDoctor(deps: DoctorDeps, opts: DoctorOptions = {}): Promise<DoctorReport> {
  const { host } = deps;
  const platform = host.platform;
  const checks: DoctorCheck[] = [];
  const add = (c: DoctorCheck) => checks.push(c);
  const home = (p: string) => tilde(p, host.home);
  let exitCode: number = EXIT.ok;
  const broken = () => {
    if (exitCode === EXIT.ok) exitCode = EXIT.failure;
  };

  // --repair first, so that every line below describes the machine as it is afterwards.
  let repair: DoctorReport['repair'];
  if (opts.repair) {
    if (platform === 'win32') {
      repair = { error: 'nothing to repair on Windows: servers start with `mcp-harden exec -- CMD ARGS...`' };
      add({ topic: 'repair', status: 'hint', text: `repair: ${repair.error}` });
    } else {
      try {
        const r = await (deps.install ?? installLauncher)(host);
        repair = { launcher: { scriptPath: r.scriptPath, linkPath: r.linkPath, written: r.written, link: r.link } };
        const what = r.written ? `installed the launcher at ${home(r.scriptPath)}` : `the launcher at ${home(r.scriptPath)} was already current`;
        const link =
          r.link === 'created'
            ? `linked it as ${home(r.linkPath)}`
            : r.link === 'present'
              ? `${home(r.linkPath)} already links to it`
              : r.link === 'foreign'
                ? `left ${home(r.linkPath)} alone: it is not ours`
                : 'no link made';
        add({
          topic: 'repair',
          status: r.link === 'foreign' ? 'hint' : 'ok',
          text: `repair: ${what}; ${link}`,
          ...(r.link === 'foreign' ? { hint: `remove or rename ${home(r.linkPath)} and run \`mcp-harden doctor --repair\` again` } : {}),
        });
      } catch (err) {
        repair = { error: err instanceof Error ? err.message : String(err) };
        add({ topic: 'repair', status: 'problem', text: `repair: the launcher could not be installed: ${repair.error}` });
        broken();
      }
    }
  }

  // Node.
  const nodeOk = nodeVersionOk(deps.nodeVersion);
  const required = `${MIN_NODE.major}.${MIN_NODE.minor}`;
  add(
    nodeOk
      ? { topic: 'node', status: 'ok', text: `Node ${deps.nodeVersion} (${required} or later is required)` }
      : {
          topic: 'node',
          status: 'problem',
          text: `Node ${deps.nodeVersion} is too old: mcp-harden needs Node ${required} or later`,
          hint: 'install a current Node LTS (22.15 or later) and run mcp-harden with it',
        },
  );
  if (!nodeOk) broken();

  // Keychain.
  let store: SecretStore | null = null;
  let keychain: DoctorReport['keychain'] = { backend: null, description: null, state: 'ready' };
  try {
    store = await deps.openStore();
    keychain = { backend: store.backend, description: describeBackend(store, platform), state: 'ready' };
    await store.probe();
  } catch (err) {
    if (!(err instanceof KeychainUnavailableError)) throw err;
    keychain = { ...keychain, state: err.reason, message: err.message };
  }
  const backendName = keychain.description ?? 'keychain';
  if (keychain.state === 'ready') {
    add({ topic: 'keychain', status: 'ok', text: `keychain: ${backendName} — ready` });
  } else {
    const word = { 'missing-backend': 'missing', locked: 'locked', refused: 'refused', timeout: 'not answering' }[keychain.state];
    add({
      topic: 'keychain',
      status: 'problem',
      text: `keychain: ${backendName} — ${word}: ${keychain.message ?? keychain.state}`,
      hint: keychainHint(keychain.state, platform),
    });
    exitCode = EXIT.keychainUnavailable;
  }

  // Clients (the audit's discovery, read-only); it also tells which servers use the launcher.
  let servers: Server[] = [];
  const clients: DoctorReport['clients'] = { workspace: '', found: [], servers: 0 };
  try {
    const { report, details } = await deps.scan();
    servers = details.servers;
    clients.workspace = report.workspace;
    const by = new Map<ClientKind, { files: number; servers: number }>();
    for (const s of report.sources) {
      const e = by.get(s.client) ?? { files: 0, servers: 0 };
      e.files++;
      e.servers += s.servers;
      by.set(s.client, e);
    }
    clients.found = [...by].map(([client, e]) => ({ client, label: CLIENT_LABELS[client], ...e }));
    clients.servers = report.servers.length;
  } catch (err) {
    clients.error = err instanceof Error ? err.message : String(err);
  }

  // Lookup tool and launcher (POSIX only).
  let lookupTool: DoctorReport['lookupTool'] = null;
  let launcher: DoctorReport['launcher'] = null;
  if (platform !== 'win32') {
    const scriptPath = launcherInstallPath(host);
    const usedBy = launcherUsers(servers, scriptPath);
    const used = usedBy.byName + usedBy.byPath;
    const usedText = used ? `${plural(used, 'server')} start${used === 1 ? 's' : ''} through it` : 'no config uses it yet';

    const fallbacks = deps.toolFallbacks ?? { linux: ['/usr/bin/secret-tool'], darwin: ['/usr/bin/security'] };
    const name = platform === 'linux' ? 'secret-tool' : 'security';
    // macOS: the launcher always runs /usr/bin/security; Linux: secret-tool from PATH, else /usr/bin.
    let path = platform === 'linux' ? await which(host, name) : null;
    for (const candidate of platform === 'linux' ? fallbacks.linux : fallbacks.darwin) {
      if (!path && (await isExecutable(candidate))) path = candidate;
    }
    lookupTool = { name, path };
    if (lookupTool.path) {
      add({ topic: 'lookup-tool', status: 'ok', text: `${lookupTool.name}: ${lookupTool.path} (the launcher reads secrets with it)` });
    } else {
      const install = platform === 'linux' ? 'install it (Debian/Ubuntu: libsecret-tools; Fedora: libsecret; Arch: libsecret)' : 'it ships with macOS; check /usr/bin/security';
      add({
        topic: 'lookup-tool',
        status: used ? 'problem' : 'hint',
        text: `${lookupTool.name}: not found — the launcher cannot read secrets without it`,
        hint: `${install}; meanwhile \`mcp-harden exec -- CMD ARGS...\` starts servers through the native module`,
      });
      if (used) broken();
    }

    const st = await launcherStatus(host, deps.launcherSource !== undefined ? { source: deps.launcherSource } : {});
    launcher = { ...st, usedBy };
    const repairHint = '`mcp-harden doctor --repair` installs it again';
    if (!st.installed) {
      add({
        topic: 'launcher',
        status: used ? 'problem' : 'hint',
        text: `launcher: not installed at ${home(st.scriptPath)}; ${usedText}`,
        hint: used ? repairHint : '`mcp-harden fix` installs it when it moves a secret; `mcp-harden doctor --repair` installs it now',
      });
      if (used) broken();
    } else {
      const faults = [!st.upToDate && 'out of date', !st.executable && 'not executable', st.missingDirs.length && `${plural(st.missingDirs.length, 'recorded directory', 'recorded directories')} gone (${st.missingDirs.join(', ')})`].filter(
        (x): x is string => typeof x === 'string',
      );
      if (faults.length) {
        add({ topic: 'launcher', status: used ? 'problem' : 'hint', text: `launcher: ${home(st.scriptPath)} is ${faults.join(', ')}; ${usedText}`, hint: repairHint });
        if (used) broken();
      } else {
        add({ topic: 'launcher', status: 'ok', text: `launcher: ${home(st.scriptPath)}, up to date and executable; ${usedText}` });
      }
      // Reachable by name: what committed project configs need.
      const linkText =
        st.link === 'ok' ? `${home(st.linkPath)} links to it` : st.link === 'missing' ? `${home(st.linkPath)} is missing` : `${home(st.linkPath)} is not ours`;
      if (st.reachable) {
        add({ topic: 'launcher', status: 'ok', text: `launcher: \`${LAUNCHER_NAME}\` is on PATH (${home(st.onPath ?? st.linkPath)}); ${linkText}` });
      } else {
        const why = st.onPath
          ? `\`${LAUNCHER_NAME}\` on PATH is ${home(st.onPath)}, not ours`
          : st.link === 'ok'
            ? `\`${LAUNCHER_NAME}\` is not on PATH: ${posix.dirname(home(st.linkPath))} is not in PATH`
            : `\`${LAUNCHER_NAME}\` is not on PATH; ${linkText}`;
        const fix =
          st.link === 'missing'
            ? '`mcp-harden doctor --repair` links it'
            : st.link === 'foreign'
              ? `remove or rename ${home(st.linkPath)}, then \`mcp-harden doctor --repair\``
              : `add ${posix.dirname(st.linkPath)} to PATH in your shell profile`;
        add({
          topic: 'launcher',
          status: usedBy.byName ? 'problem' : 'hint',
          text: `launcher: ${why}${usedBy.byName ? `; ${plural(usedBy.byName, 'project server')} name${usedBy.byName === 1 ? 's' : ''} it` : ''}`,
          hint: fix,
        });
        if (usedBy.byName) broken();
      }
    }
  }

  if (clients.error) {
    add({ topic: 'clients', status: 'hint', text: `clients: the configs could not be read: ${clients.error}` });
  } else if (!clients.found.length) {
    add({ topic: 'clients', status: 'hint', text: 'clients: no MCP client config found for this user or in this workspace' });
  } else {
    const list = clients.found.map((c) => `${c.label} (${plural(c.files, 'file')}, ${plural(c.servers, 'server')})`).join(', ');
    add({ topic: 'clients', status: 'ok', text: `clients: ${list}` });
  }

  // Runs that stopped half way.
  const dir = stateDirPath(host);
  const interruptedRuns: DoctorReport['interruptedRuns'] = [];
  try {
    for (const r of await new Journal({ stateDir: dir }).findInterrupted()) interruptedRuns.push({ id: r.id, date: r.date, unfinished: r.unfinished });
  } catch (err) {
    add({ topic: 'runs', status: 'problem', text: `runs: the run journals cannot be read: ${err instanceof Error ? err.message : String(err)}` });
    broken();
  }
  for (const r of interruptedRuns) {
    add({
      topic: 'runs',
      status: 'problem',
      text: `runs: run ${r.id} (${r.date.slice(0, 19).replace('T', ' ')}) was interrupted`,
      hint: `\`mcp-harden fix --yes\` carries on from the files as they are; \`mcp-harden undo ${r.id}\` rolls it back`,
    });
    broken();
  }
  if (!interruptedRuns.length && !checks.some((c) => c.topic === 'runs')) add({ topic: 'runs', status: 'ok', text: 'runs: none interrupted' });

  // Stored secrets whose item is gone.
  const secrets: DoctorReport['secrets'] = { checked: false, recorded: 0, missing: [] };
  try {
    const recorded = await new SecretsMeta({ stateDir: dir }).list();
    secrets.recorded = recorded.length;
    if (store && keychain.state === 'ready') {
      const present = new Map<string, Set<string>>();
      for (const service of new Set(recorded.map((m) => m.service))) {
        present.set(service, new Set((await store.list(service)).map((a) => a.account)));
      }
      secrets.missing = recorded.filter((m) => !present.get(m.service)?.has(m.account)).map((m) => ({ service: m.service, account: m.account }));
      secrets.checked = true;
    }
  } catch (err) {
    if (err instanceof KeychainUnavailableError) secrets.error = err.message;
    else secrets.error = err instanceof Error ? err.message : String(err);
  }
  if (secrets.error) {
    add({ topic: 'secrets', status: 'problem', text: `secrets: cannot be checked: ${secrets.error}` });
    broken();
  } else if (!secrets.checked) {
    add({ topic: 'secrets', status: 'hint', text: `secrets: ${plural(secrets.recorded, 'secret')} recorded; not checked, the keychain cannot be used` });
  } else if (secrets.missing.length) {
    for (const m of secrets.missing) {
      add({
        topic: 'secrets',
        status: 'problem',
        text: `secrets: ${m.service}/${m.account} is recorded but its keychain item is missing; servers using it will not start`,
        hint: `\`mcp-harden onboard\` stores it again when the team policy lists it; otherwise \`mcp-harden undo\` the run that moved it`,
      });
    }
    broken();
  } else {
    add({ topic: 'secrets', status: 'ok', text: secrets.recorded ? `secrets: ${plural(secrets.recorded, 'secret')} stored, every one in the keychain` : 'secrets: none stored by mcp-harden yet' });
  }

  // Secrets the team policy requires (mcp-harden/NAME) that this machine does not have yet.
  let policyMissing: string[] | null = null;
  if (deps.policy?.secrets.length && store && keychain.state === 'ready') {
    try {
      const have = new Set((await store.list('mcp-harden')).map((a) => a.account));
      policyMissing = deps.policy.secrets.filter((x) => !have.has(x.name)).map((x) => x.name);
    } catch {
      policyMissing = null;
    }
    if (policyMissing?.length) {
      add({
        topic: 'secrets',
        status: 'problem',
        text: `policy: ${policyMissing.join(', ')} ${policyMissing.length === 1 ? 'is' : 'are'} required by ${deps.policy.file} but not in this keychain; the servers using ${policyMissing.length === 1 ? 'it' : 'them'} will not start`,
        hint: '`mcp-harden onboard` asks for each one (with the scopes to grant and where to create it)',
      });
      broken();
    } else if (policyMissing) {
      add({ topic: 'secrets', status: 'ok', text: `policy: every secret ${deps.policy.file} requires is in the keychain` });
    }
  }

  // Hand-made items that could be imported (only worth a line when there are some).
  let importable: number | null = null;
  if (deps.handMade && !deps.handMade.unsupported && keychain.state === 'ready') {
    try {
      importable = (await importCandidates(deps.handMade, new ImportLog({ stateDir: dir }))).length;
    } catch {
      importable = null; // a hint, not a check: never fails doctor
    }
    if (importable) {
      add({
        topic: 'import',
        status: 'hint',
        text: `import: ${plural(importable, 'keychain item')} made by hand can be imported`,
        hint: 'list them with `mcp-harden secrets --import`',
      });
    }
  }

  return {
    schema: 1,
    platform,
    exitCode,
    ok: exitCode === EXIT.ok,
    node: { version: deps.nodeVersion, required: `>=${required}`, ok: nodeOk },
    keychain,
    lookupTool,
    launcher,
    clients,
    interruptedRuns,
    secrets,
    policyMissing,
    importable,
    ...(repair ? { repair } : {}),
    checks,
  };
}
