// Composition root: argv → use case → printer → exit code. The only place exit codes are decided.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError as JsoncError } from 'jsonc-parser';
import { runAudit, scan, type AuditOptions, type AuditProgress } from '../app/audit.js';
import { nodeFs } from '../adapters/node-fs.js';
import { findEnvFiles } from '../adapters/walk.js';
import { committedText, gitFacts } from '../adapters/git.js';
import { slowScanMs } from '../adapters/test-hooks.js';
import type { AuditReport } from '../core/report.js';
import { CLIENT_KINDS, SEVERITIES, type ClientKind, type HostEnv, type Platform, type Severity } from '../core/model.js';
import { baselineKeys, type IgnoreEntry } from '../core/suppress.js';
import type { Policy } from '../core/policy.js';
import { DEFAULT_MAX_SECRET_AGE_DAYS } from '../core/stale.js';
import { exitCodeFor, HardenError, UsageError } from '../core/errors.js';
import { renderJson } from './output/json.js';
import { colorEnabled } from './output/theme.js';
import { withoutFetch } from './without-fetch.js';
// Commands other than audit load their modules when they run: audit's start-up stays small.
import type { FixCliOptions, UndoCliOptions } from './fix-commands.js';
import { ACTION_GROUPS, VERIFY_TIMEOUT_MS } from '../core/plan.js';
import type { SecretStore } from '../ports/secret-store.js';

declare const __MCP_HARDEN_VERSION__: string;
const VERSION = typeof __MCP_HARDEN_VERSION__ === 'string' ? __MCP_HARDEN_VERSION__ : '0.0.0-dev';

export { POLICY_FILE } from '../core/policy-file.js';
import { POLICY_FILE } from '../core/policy-file.js';

/** rotate's own options (the global ones come from the program). */
type RotateCliFlags = Omit<import('./rotate-command.js').RotateCliOptions, 'json' | 'plain'>;

interface GlobalOptions {
  workspace?: string;
  config: string[];
  client?: ClientKind;
  home: boolean;
  json?: boolean;
  plain?: boolean;
}

interface AuditCliOptions {
  sarif?: boolean;
  failOn: Severity;
  baseline?: string;
  online?: boolean;
  maxSecretAge?: number;
}

function hostEnv(): HostEnv {
  const platform: Platform = process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'linux';
  return { platform, home: process.env.HOME && platform !== 'win32' ? process.env.HOME : homedir(), env: process.env };
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  const errors: JsoncError[] = [];
  const value = parseJsonc(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true });
  if (errors.length) {
    const e = errors[0]!;
    const before = text.slice(0, e.offset);
    const line = before.split('\n').length;
    const column = e.offset - before.lastIndexOf('\n');
    throw new UsageError(`${what} ${path}: ${printParseErrorCode(e.error)} at ${line}:${column}`);
  }
  return value;
}

/** The workspace's team policy, validated whole, and its ignore list; a malformed one is a usage error. */
async function loadPolicy(workspace: string): Promise<{ ignore: IgnoreEntry[]; policy?: Policy }> {
  const path = resolve(workspace, POLICY_FILE);
  const facts = await nodeFs.inspect(path);
  if (!facts) return { ignore: [] };
  const doc = await readJsonFile(path, 'policy');
  const { validatePolicy } = await import('../core/policy.js');
  try {
    const policy = validatePolicy(doc);
    return { ignore: policy.ignore ?? [], policy };
  } catch (err) {
    throw new UsageError(`policy ${path}: ${(err as Error).message}`);
  }
}

/** A one-line progress display on stderr, only on a terminal and only when the scan is slow. */
function progressLine(stream: NodeJS.WriteStream): { update(p: AuditProgress): void; done(): void } {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - started < 250 || now - last < 80) return;
      last = now;
      shown = true;
      const line = `Scanning ${p.phase}: ${p.dirsRead} dirs, ${p.filesRead} files read, ${p.servers} servers, ${p.secrets} secrets`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 80) - 1)}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}

async function audit(globals: GlobalOptions, opts: AuditCliOptions, host: HostEnv = hostEnv()): Promise<number> {
  if (opts.sarif && globals.json) throw new UsageError('choose one of --json and --sarif');
  const workspace = resolve(globals.workspace ?? process.cwd());
  const wsFacts = await nodeFs.inspect(workspace);
  if (!wsFacts) throw new UsageError(`workspace ${workspace} does not exist`);
  const { ignore, policy } = await loadPolicy(workspace);
  const baseline = opts.baseline ? await readBaseline(opts.baseline) : undefined;
  const progress = progressLine(process.stderr);
  const run = opts.online ? auditOnline : (o: AuditOptions) => runAudit(nodeFs, { findEnvFiles, gitFacts, committedText }, o);
  const report = await run(
    {
      host,
      workspace,
      noHome: !globals.home,
      configs: globals.config,
      client: globals.client,
      failOn: opts.failOn,
      ignore,
      ...(policy ? { policy } : {}),
      baseline,
      ...(opts.maxSecretAge !== undefined ? { maxSecretAgeDays: opts.maxSecretAge } : {}),
      version: VERSION,
      onProgress: (p) => progress.update(p),
    },
  );
  progress.done();
  await sayInterruptedRuns(host);
  let out: string;
  if (globals.json) out = renderJson(report);
  // Only the printer asked for is loaded (start-up is benchmarked).
  else if (opts.sarif) out = (await import('./output/sarif.js')).renderSarif(report, { workspace });
  else out = (await import('./output/human.js')).renderHuman(report, { color: colorEnabled(process.stdout), width: process.stdout.columns || 80, home: host.home });
  await writeOut(out);
  return report.summary.failing > 0 ? 1 : 0;
}

/** `audit --online`: the scan, then each token checked at its own provider; the modules load only then. */
async function auditOnline(opts: AuditOptions): Promise<AuditReport> {
  const [online, { suggestTrust }, { matchServer }] = await Promise.all([
    import('../app/online.js'),
    import('../core/trust.js'),
    import('../core/catalog/index.js'),
  ]);
  const { report, details } = await scan(nodeFs, { findEnvFiles, gitFacts, committedText }, opts);
  const trustOf = online.suggestedTrustOf(report, details.servers, (s, input) => suggestTrust(s, matchServer(s), input).level);
  const result = await online.checkOnline(details, { env: opts.host.env, trustOf });
  return online.mergeOnline(report, result, { ignore: opts.ignore, ...(opts.baseline ? { baseline: opts.baseline } : {}) });
}

/** One line per interrupted fix run, on stderr; read only when the state directory exists. */
async function sayInterruptedRuns(host: HostEnv): Promise<void> {
  const { stateDirPath } = await import('../app/state.js');
  const dir = stateDirPath(host);
  if (!(await nodeFs.inspect(resolve(dir, 'runs')))) return;
  const { Journal } = await import('../app/journal.js');
  const journal = new Journal({ stateDir: dir });
  for (const run of await journal.findInterrupted()) {
    // A rotation is carried on by rotating again with the same new value: fix would store the old one.
    let next = '`mcp-harden fix --yes`';
    if (run.summary.command === 'rotate') {
      const steps = (await journal.read(run.id).catch(() => undefined))?.steps ?? [];
      const store = steps.map((s) => s.action).find((a) => a.kind === 'store-secret');
      const name = store?.kind === 'store-secret' ? (store.service === 'mcp-harden' ? store.account : `${store.service}/${store.account}`) : 'NAME';
      next = `\`mcp-harden rotate ${name}\` with the same new value`;
    }
    process.stderr.write(`mcp-harden: run ${run.id} was interrupted: ${next} carries on, \`mcp-harden undo ${run.id}\` rolls it back.\n`);
  }
}

async function readBaseline(path: string): Promise<Set<string>> {
  const data = await readJsonFile(resolve(path), 'baseline');
  try {
    return baselineKeys(data);
  } catch (err) {
    throw new UsageError(`baseline ${path}: ${(err as Error).message}`);
  }
}

function writeOut(text: string): Promise<void> {
  return new Promise((res) => {
    if (process.stdout.write(text.endsWith('\n') ? text : text + '\n')) res();
    else process.stdout.once('drain', () => res());
  });
}

function noWizard(): number {
  const lines = [
    'mcp-harden: the interactive wizard needs a terminal (stdin and stdout must be a TTY).',
    '  mcp-harden audit            list every MCP server and plaintext credential (read-only)',
    '  mcp-harden audit --json     the same as one JSON document, for CI',
    '  mcp-harden fix --dry-run    the plan the wizard would apply, secrets masked',
    '  mcp-harden fix --yes        apply that plan without questions',
    '  mcp-harden --help           every command and option',
  ];
  process.stderr.write(lines.join('\n') + '\n');
  return 2;
}

/** The audit a command that changes files starts from (wizard, fix, rotate): the whole machine unless narrowed. */
async function changeAudit(globals: GlobalOptions, workspace: string, host: HostEnv): Promise<AuditOptions> {
  if (!(await nodeFs.inspect(workspace))) throw new UsageError(`workspace ${workspace} does not exist`);
  return {
    host,
    workspace,
    noHome: !globals.home,
    configs: globals.config,
    ...(globals.client ? { client: globals.client } : {}),
    failOn: 'high',
    ...(await loadPolicy(workspace)),
    version: VERSION,
  };
}

/** The wizard (Ink, or line by line with --plain) on a workspace and home; only called on a terminal. */
async function wizard(
  globals: GlobalOptions,
  host: HostEnv,
  workspace: string,
  openStore: () => Promise<SecretStore>,
): Promise<number> {
  const audit = await changeAudit(globals, workspace, host);
  const { engineFromFix, createRunner } = await import('../wizard/run.js');
  const engine = engineFromFix({ fs: nodeFs, workspacePort: { findEnvFiles, gitFacts, committedText }, openStore }, { audit });
  const slow = slowScanMs();
  if (slow) {
    const quickScan = engine.scan;
    // Unref'd: a run cancelled meanwhile exits without waiting for it.
    engine.scan = async (onProgress) => (await Promise.all([quickScan(onProgress), new Promise((r) => setTimeout(r, slow).unref())]))[0];
  }
  if (globals.plain) {
    const { runPlain, inquirerPrompts } = await import('./plain.js');
    return runPlain(engine, inquirerPrompts({ stdin: process.stdin, stdout: process.stdout }), {
      onSignal(handler) {
        process.on('SIGINT', handler);
        return () => process.off('SIGINT', handler);
      },
    });
  }
  // The scan starts now and runs while Ink loads.
  const runner = createRunner(engine);
  runner.start();
  // Keys typed while Ink loads are not echoed into the first frame: they wait, unread, for the
  // wizard (Ctrl+C among them, read as the cancel key). Ink keeps raw mode while it is mounted.
  process.stdin.setRawMode?.(true);
  try {
    const [{ runWizard }, { colorFromEnv }] = await withoutFetch(() => Promise.all([import('./wizard-command.js'), import('../ui/theme.js')]));
    return await runWizard(runner, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, color: colorFromEnv(process.env) });
  } finally {
    process.stdin.setRawMode?.(false);
  }
}

const onTerminal = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('mcp-harden');
  program
    .description(
      'Harden your MCP setup: find every MCP server your AI clients start, every plaintext credential they hold, and the risky settings around them.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('-w, --workspace <dir>', 'the project to look at (default: the current directory)')
    .addOption(
      new Option('-c, --config <file>', 'look only at this config file (repeatable)')
        .argParser((v: string, acc: string[] | undefined) => [...(acc ?? []), v])
        .default([], 'none'),
    )
    .addOption(new Option('--client <kind>', 'the client kind of --config files, instead of guessing it').choices(CLIENT_KINDS))
    .option('--no-home', 'skip user-level client configs, backups and shell history')
    .option('--json', 'print one JSON document instead of the human report')
    .option('--plain', 'the wizard, rotate and onboard as line-by-line questions instead of the full-screen view (screen readers, simple terminals)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .action(async (_opts: unknown, cmd: Command) => {
      if (!onTerminal()) return setExit(noWizard());
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      setExit(await wizard(globals, hostEnv(), resolve(globals.workspace ?? process.cwd()), openStore));
    });

  program
    .command('audit')
    .description('read-only scan of every MCP client config, .env file, client backup and shell history; changes nothing')
    .option('--sarif', 'print SARIF 2.1.0 for code scanning (carries no value fingerprints)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES).default('high'),
    )
    .option('--baseline <report.json>', 'fail only on findings that are not in this earlier `audit --json` report')
    .option('--online', 'make read-only calls to the token providers to see what each token can do; sends each token only to its own provider')
    .addOption(
      new Option('--max-secret-age <days>', `report keychain items stored or rotated longer ago than this (default: the policy's maxSecretAgeDays, else ${DEFAULT_MAX_SECRET_AGE_DAYS})`).argParser(
        (v: string) => {
          // Whole days only: "90d", "1.5" or "0" are refused rather than guessed at.
          const n = /^\d{1,6}$/.test(v.trim()) ? Number(v.trim()) : NaN;
          if (!(n >= 1)) throw new InvalidArgumentError('it must be a whole number of days, 1 or more.');
          return n;
        },
      ),
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 no finding at or above --fail-on · 1 findings at or above it · 2 usage error.
Secrets are never printed: only masked (ghp_…(40)) with the first 12 hex digits of their SHA-256.
Accepted findings go in the "ignore" list of ${POLICY_FILE} (rule, path glob, server, fingerprint, reason).`,
    )
    .action(async (opts: AuditCliOptions, cmd: Command) => {
      setExit(await audit(cmd.optsWithGlobals() as GlobalOptions, opts));
    });

  program
    .command('demo')
    .description('try mcp-harden on a throwaway sandbox: a temporary HOME and workspace full of synthetic tokens')
    .option('--keep', 'keep the sandbox directory after the run')
    .addHelpText(
      'after',
      `
Nothing outside the sandbox is read or changed: the run sees only the sandbox's HOME and workspace.
On a terminal the demo runs the wizard with a private, throwaway keychain (Linux: gnome-keyring on a
private D-Bus session); without a terminal it runs \`audit\` on the sandbox.`,
    )
    .action(async (opts: { keep?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      const demo = await import('../demo/keyring.js');
      const inside = demo.demoChild(process.env);
      if (inside) {
        // This is the demo's child on its private bus: the parent built the sandbox and removes it.
        const host: HostEnv = { platform: 'linux', home: inside.home, env: inside.env };
        return setExit(await wizard({ ...globals, workspace: inside.workspace, config: [], home: true }, host, inside.workspace, openStore));
      }
      const { buildSandbox } = await import('../demo/sandbox.js');
      const sandbox = buildSandbox();
      const say = (line: string) => process.stderr.write(line + '\n');
      say(`mcp-harden demo: this is a SANDBOX, not your machine.`);
      say(`  HOME      ${sandbox.home}`);
      say(`  workspace ${sandbox.workspace}`);
      say(`  Every token in it is synthetic. Your own configs and keychain are not touched.`);
      say('');
      try {
        const host: HostEnv = { platform: 'linux', home: sandbox.home, env: sandbox.env };
        if (onTerminal()) {
          const missing = demo.missingKeyringTools();
          if (!missing.length) {
            const self = [process.execPath, ...process.execArgv, process.argv[1]!, 'demo', ...(globals.plain ? ['--plain'] : [])];
            return setExit(await demo.runWithPrivateKeyring(self, sandbox));
          }
          const why = `the demo's private keychain needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed here`;
          say(`mcp-harden demo: ${why}. The wizard runs with the keychain marked unavailable: Level 2 steps are skipped.`);
          say('');
          return setExit(await wizard({ ...globals, workspace: sandbox.workspace, config: [], home: true }, host, sandbox.workspace, demo.unavailableStore(why)));
        }
        // Findings are the point of the demo, not a failure: it exits 0 when it ran.
        await audit({ ...globals, workspace: sandbox.workspace, config: [], home: true }, { failOn: 'high' }, host);
        setExit(0);
      } finally {
        if (opts.keep) say(`\nThe sandbox stays at ${sandbox.root} (--keep). Remove it with: rm -rf ${sandbox.root}`);
        else {
          rmSync(sandbox.root, { recursive: true, force: true });
          say('\nThe sandbox was removed.');
        }
      }
    });

  const openStore = async (): Promise<SecretStore> => {
    const [{ openSecretStore }, { nodeProcessRunner }] = await Promise.all([
      import('../adapters/secret-store/index.js'),
      import('../adapters/process.js'),
    ]);
    const store = await openSecretStore({ platform: process.platform, runner: nodeProcessRunner });
    await store.probe();
    return store;
  };
  const fixContext = (cmd: Command) => {
    const globals = cmd.optsWithGlobals() as GlobalOptions;
    const workspace = resolve(globals.workspace ?? process.cwd());
    const host = hostEnv();
    return { globals, workspace, host };
  };

  program
    .command('fix')
    .description('apply the recommended plan: lock files down, git-ignore .env files, move secrets into the OS keychain')
    .option('--dry-run', 'print the plan and the changes it would make (secrets masked); change nothing')
    .option('-y, --yes', 'apply without asking (needed when not on a terminal)')
    .option('--only <groups>', `only these kinds of action, comma-separated: ${Object.keys(ACTION_GROUPS).join(', ')}`)
    .option('--remove-history', 'also remove shell-history lines that hold migrated secrets')
    .option('--verify', 'then start each rewritten server (or, with nothing to fix, each server behind the launcher) and list its tools')
    .option('--annotations', "first start each limited or untrusted local server once to read its tools' annotations (readOnlyHint), and ask for or deny its write tools from them instead of the catalog's list")
    .addHelpText(
      'after',
      `
Each run is journaled in the state directory; \`mcp-harden undo\` puts every file back byte for byte.
--verify starts each server through its launch line with a GUI client's minimal environment, completes
initialize and tools/list within ${VERIFY_TIMEOUT_MS / 1000} s, and prints one line per server (never the server's output).
Exit codes: 0 done · 1 an action failed or a server did not verify · 2 usage · 10 no usable keychain
(chmod and .gitignore still applied) · 130 cancelled.`,
    )
    .action(async (opts: FixCliOptions, cmd: Command) => {
      const { globals, workspace, host } = fixContext(cmd);
      const audit = await changeAudit(globals, workspace, host);
      setExit(
        await (await import('./fix-commands.js')).runFix({ fs: nodeFs, workspacePort: { findEnvFiles, gitFacts, committedText }, openStore }, { audit }, { ...opts, json: globals.json }, writeOut),
      );
    });

  program
    .command('onboard')
    .description(`set this machine up from the team policy (${POLICY_FILE}): your own tokens into the keychain, the policy's servers into the configs`)
    .option('-y, --yes', 'read NAME=value lines from stdin instead of asking (for provisioning scripts); secrets already set up are skipped')
    .option('--online', 'check each token with its provider (read-only) before storing it; a token the provider rejects is not stored')
    .option('--verify', "then start each of the policy's local servers and complete MCP initialize and tools/list")
    .addHelpText(
      'after',
      `
For every secret the committed configs reference, it shows the provider, the scopes to grant for the
servers' trust level and where to create the token; on a terminal it asks for each (masked). Values go
only to the keychain (service mcp-harden, account NAME), never to a file or the output.
It installs the launcher when a server needs it and says whether mcp-harden-launch is on PATH, adds
the policy's servers missing from JSON configs, pins the versions the policy pins, and adds Claude Code
permission rules for limited and untrusted servers (.claude/settings.local.json, when .claude exists).
--yes input: one NAME=value a line; # comments, blank lines, "export " and quotes around the value are
fine. A missing, unknown, repeated or malformed entry, or a value of the wrong shape, stops the run
before anything is stored. A second run finds everything set up and changes nothing.
The run is journaled: \`mcp-harden undo\` puts the files back; --delete-secrets also removes the items.
It reads the workspace's committed configs only: --config and --no-home do not apply.
Exit codes: 0 done · 1 a value was refused, a step failed or a server did not verify, or the policy is
invalid · 2 usage (no ${POLICY_FILE}, or no terminal without --yes) · 10 no usable keychain · 130 cancelled.`,
    )
    .action(async (opts: { yes?: boolean; online?: boolean; verify?: boolean }, cmd: Command) => {
      const { globals, workspace, host } = fixContext(cmd);
      if (!(await nodeFs.inspect(workspace))) throw new UsageError(`workspace ${workspace} does not exist`);
      const [{ runOnboard }, { loadTeamPolicy }] = await Promise.all([import('./onboard-command.js'), import('../app/onboard.js')]);
      const policy = await loadTeamPolicy(workspace);
      const audit = {
        host,
        workspace,
        noHome: true,
        configs: [],
        failOn: 'high' as Severity,
        ignore: policy.ignore ?? [],
        policy,
        version: VERSION,
      };
      setExit(
        await runOnboard(
          { fs: nodeFs, workspacePort: { findEnvFiles, gitFacts, committedText }, openStore },
          { audit, policy },
          { ...opts, json: globals.json, plain: globals.plain },
          {
            readStdin: async () => {
              // Typed at a terminal the values would be echoed in clear: without --yes they are asked for masked.
              if (process.stdin.isTTY) throw new UsageError('onboard --yes reads NAME=value lines from a pipe or file (`mcp-harden onboard --yes < secrets.env`); on a terminal, drop --yes to type each value masked');
              const chunks: Buffer[] = [];
              for await (const c of process.stdin) chunks.push(c as Buffer);
              return Buffer.concat(chunks).toString('utf8');
            },
            out: writeOut,
            say: (line) => process.stderr.write(line + '\n'),
            tty: onTerminal(),
          },
        ),
      );
    });

  program
    .command('undo')
    .description('put back every file a run changed, byte for byte (default: the last run)')
    .argument('[run]', 'the run id (see --list)')
    .option('--list', 'list the runs')
    .option('--delete-secrets', 'also delete the keychain items the run created')
    .option('--force', 'also restore files that changed since the run')
    .action(async (run: string | undefined, opts: UndoCliOptions, cmd: Command) => {
      const { globals, workspace, host } = fixContext(cmd);
      setExit(await (await import('./fix-commands.js')).runUndo(host, run, { ...opts, json: globals.json }, openStore, [workspace, host.home], writeOut));
    });

  program
    .command('secrets')
    .description('list the secrets mcp-harden stored: name, where referenced, created and rotated dates; never values')
    .option('--import [NAME=SERVICE/USERNAME...]', 'list keychain items made by hand (secret-tool store … service S username U), or import them as NAME')
    .action(async (opts: { import?: true | string[] }, cmd: Command) => {
      const { globals, host } = fixContext(cmd);
      setExit(await (await import('./fix-commands.js')).runSecrets(host, { json: globals.json, ...(opts.import ? { import: opts.import } : {}) }, openStore, writeOut));
    });

  program
    .command('rotate')
    .description('replace a leaked secret everywhere it is used: store the new value, switch every consumer, then revoke the old one')
    .argument('[name]', 'the secret: a keychain item name (`mcp-harden secrets`) or the name a plaintext secret gets')
    .option('--value-stdin', 'read the new value from stdin (one line); with --yes, nothing is asked')
    .option('-y, --yes', 'rotate without asking (needs NAME and --value-stdin)')
    .option('--online', 'check the new token with its provider (read-only calls), and whether the old one is dead after revocation')
    .option('--report-to-github', 'report the old GitHub token to GitHub’s public credential-revocation API (revokes it at once)')
    .option('--revoke-first', 'revoke the old token before switching (the leak is public or abuse is suspected)')
    .option('--no-history', 'do not search the git history for the old value')
    .option('--remove-history', 'also remove the shell-history lines that hold the old value (the guided flow asks)')
    .addHelpText(
      'after',
      `
Places searched: client configs, .env files, keychain items, client backups, shell history, and the
workspace's git history (read in this process: the value is never put in a command line). The new value
is checked for shape (prefix, length, GitHub checksum) before anything changes. The switch is journaled
like \`fix\`: \`mcp-harden undo RUN\` puts the old files and the old keychain value back.
Exit codes: 0 rotated and every reference resolves · 1 a step failed, a copy of the old value is left,
or a VS Code input must be re-entered by hand · 2 usage · 10 keychain unavailable · 130 cancelled.`,
    )
    .action(async (name: string | undefined, opts: RotateCliFlags, cmd: Command) => {
      const { globals, workspace, host } = fixContext(cmd);
      const audit = await changeAudit(globals, workspace, host);
      const { runRotate } = await import('./rotate-command.js');
      setExit(
        await runRotate(
          { fs: nodeFs, workspacePort: { findEnvFiles, gitFacts, committedText }, openStore },
          audit,
          name,
          { ...opts, json: globals.json, plain: globals.plain },
          writeOut,
        ),
      );
    });

  program
    .command('doctor')
    .description('check Node, the keychain backend, the launcher, the lookup tool, the clients found, interrupted runs and stored secrets')
    .option('--repair', 'reinstall the launcher and re-link it into ~/.local/bin; changes nothing else')
    .addHelpText('after', `
Exit codes: 0 everything needed is fine · 1 something is broken · 10 the keychain cannot be used.`)
    .action(async (opts: { repair?: boolean }, cmd: Command) => {
      const { globals, workspace, host } = fixContext(cmd);
      const { runDoctorCommand } = await import('./doctor-command.js');
      const color = !globals.json && colorEnabled(process.stdout);
      setExit(await runDoctorCommand(host, { repair: opts.repair, json: globals.json, workspace, version: VERSION, color }, writeOut));
    });

  program
    .command('exec')
    .description('the portable launcher: resolve keychain references in its environment and arguments, then become CMD')
    .usage('-- CMD [ARGS...]')
    .argument('<command...>', 'the server command and its arguments')
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
References: an environment value keychain:SERVICE/ACCOUNT, or {{keychain:SERVICE/ACCOUNT}} inside an
argument or environment value. Nothing is written to stdout. Exit codes: CMD's own · 2 usage or a
malformed reference · 10 a missing secret or an unusable keychain · 127 CMD not found.`,
    )
    .action(async (command: string[]) => {
      // Loaded here so that other commands do not pay for it.
      const [{ execWithSecrets }, { openSecretStore }, { nodeProcessRunner }] = await Promise.all([
        import('../app/exec.js'),
        import('../adapters/secret-store/index.js'),
        import('../adapters/process.js'),
      ]);
      const store = () => openSecretStore({ platform: process.platform, runner: nodeProcessRunner });
      setExit(await execWithSecrets(command, process.env, store));
    });

  program
    .command('headers')
    .description("print a remote server's headers as one JSON object, keychain references resolved (what a Claude Code headersHelper runs)")
    .argument('<header...>', "'Name: value' with {{keychain:SERVICE/ACCOUNT}} references in the value")
    .addHelpText(
      'after',
      `
The one command that writes a secret to stdout: Claude Code merges its output into the request headers.
Exit codes: 0 printed · 2 a malformed header or reference · 10 a missing secret or an unusable keychain.`,
    )
    .action(async (specs: string[]) => {
      const [{ runHeaders }, { openSecretStore }, { nodeProcessRunner }] = await Promise.all([
        import('./headers-command.js'),
        import('../adapters/secret-store/index.js'),
        import('../adapters/process.js'),
      ]);
      setExit(await runHeaders(specs, () => openSecretStore({ platform: process.platform, runner: nodeProcessRunner }), writeOut));
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof HardenError) {
      process.stderr.write(`mcp-harden: ${err.message}\n`);
      return exitCodeFor(err);
    }
    process.stderr.write(`mcp-harden: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeFor(err);
  }
}
