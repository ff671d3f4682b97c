// `doctor` and `doctor --repair`: wires the use case to this machine and prints one line per fact.
import { join } from 'node:path';
import { nodeFs } from '../adapters/node-fs.js';
import { nodeProcessRunner } from '../adapters/process.js';
import { openSecretStore } from '../adapters/secret-store/index.js';
import { scan, type WorkspacePort } from '../app/audit.js';
import { runDoctor, type DoctorReport } from '../app/doctor.js';
import {
  handMadeItems,
  importCandidates,
  importItems,
  ImportLog,
  itemId,
  parseImportArg,
  type HandMadeSource,
} from '../app/import-items.js';
import { KEYCHAIN_SERVICE } from '../app/plan.js';
import { SecretsMeta } from '../app/secrets-meta.js';
import { stateDir } from '../app/state.js';
import { UsageError } from '../core/errors.js';
import type { HostEnv } from '../core/model.js';
import type { SecretStore } from '../ports/secret-store.js';
import { createTheme, type Theme } from './output/theme.js';

export interface DoctorCliOptions {
  repair?: boolean;
  json?: boolean;
  workspace: string;
  version: string;
  color?: boolean;
}

/**
 * The workspace side of the audit without the walk: doctor wants the clients' config files (which
 * discovery finds by path), not every .env file under the current directory.
 */
const noWalk: WorkspacePort = {
  findEnvFiles: async () => ({ files: [], dirsRead: 0, filesSeen: 0, errors: [] }),
  gitFacts: async () => ({ isRepo: false, tracked: new Set<string>(), ignored: new Set<string>() }),
};

export async function runDoctorCommand(host: HostEnv, cli: DoctorCliOptions, out: (s: string) => Promise<void>): Promise<number> {
  const env = host.env;
  const report = await runDoctor(
    {
      host,
      nodeVersion: process.versions.node,
      openStore: () => openSecretStore({ platform: host.platform, runner: nodeProcessRunner, env }),
      scan: () =>
        scan(nodeFs, noWalk, {
          host,
          workspace: cli.workspace,
          noHome: false,
          configs: [],
          failOn: 'high',
          ignore: [],
          version: cli.version,
        }),
      handMade: handMadeItems({ platform: host.platform, runner: nodeProcessRunner, env }),
      ...(await teamPolicy(cli.workspace)),
    },
    { repair: Boolean(cli.repair) },
  );
  await out(cli.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctor(report, createTheme(Boolean(cli.color))));
  return report.exitCode;
}

/** The workspace's policy, when there is a valid one (a broken one is audit's and onboard's to report). */
async function teamPolicy(workspace: string): Promise<{ policy?: { file: string; secrets: { name: string; servers: string[] }[] } }> {
  const { readFile } = await import('node:fs/promises');
  const { POLICY_FILE } = await import('../core/policy-file.js');
  try {
    const { validatePolicy } = await import('../core/policy.js');
    const policy = validatePolicy(JSON.parse(await readFile(join(workspace, POLICY_FILE), 'utf8')));
    return policy.secrets?.length ? { policy: { file: POLICY_FILE, secrets: policy.secrets } } : {};
  } catch {
    return {};
  }
}

const MARK: Record<DoctorReport['checks'][number]['status'], string> = { ok: 'ok', problem: 'problem', hint: 'hint' };

/** One line per fact: `ok`, `problem` or `hint`, then the fact; what to do on an indented line below. */
export function renderDoctor(report: DoctorReport, theme: Theme = createTheme(false)): string {
  const paint = { ok: theme.green, problem: theme.red, hint: theme.yellow };
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${paint[c.status](MARK[c.status].padEnd(8))}${c.text}`);
    if (c.hint) lines.push(`${' '.repeat(8)}${theme.dim(`→ ${c.hint}`)}`);
  }
  const verdict =
    report.exitCode === 0
      ? 'Everything mcp-harden needs is in place.'
      : report.exitCode === 10
        ? 'The keychain cannot be used (exit 10); see above.'
        : 'Something needs fixing (exit 1); see above.';
  lines.push('', theme.bold(verdict));
  return `${lines.join('\n')}\n`;
}

/**
 * `secrets --import` (list the hand-made items not imported yet) and
 * `secrets --import NAME=SERVICE/USERNAME…` (copy them to mcp-harden/NAME). Never prints a value.
 */
export async function runSecretsImport(
  host: HostEnv,
  cli: { json?: boolean; pairs: string[] },
  openStore: () => Promise<SecretStore>,
  source: HandMadeSource,
  out: (s: string) => Promise<void>,
): Promise<number> {
  if (source.unsupported) throw new UsageError(source.unsupported);
  const dir = await stateDir(host);
  const log = new ImportLog({ stateDir: dir });
  if (!cli.pairs.length) {
    const items = await importCandidates(source, log);
    if (cli.json) {
      await out(`${JSON.stringify({ items: items.map((i) => ({ id: itemId(i), ...i })), imported: await log.list() }, null, 2)}\n`);
      return 0;
    }
    if (!items.length) {
      await out('No keychain items made by hand to import (looked for items with the attributes service and username).\n');
      return 0;
    }
    const lines = ['Keychain items made by hand (service/username) that can be imported:'];
    for (const i of items) lines.push(`  ${itemId(i)}${i.count > 1 ? `  (${i.count} items with these attributes; one is read)` : ''}`);
    lines.push(
      '',
      'Import each under the name its servers know it by (their env var), for example:',
      `  mcp-harden secrets --import NAME=${itemId(items[0]!)}`,
      `It is copied to ${KEYCHAIN_SERVICE}/NAME; the original item stays where it is.`,
    );
    await out(`${lines.join('\n')}\n`);
    return 0;
  }
  const known = await source.find();
  const requests = cli.pairs.map((p) => parseImportArg(p, known));
  const store = await openStore();
  const outcomes = await importItems({ store, source, meta: new SecretsMeta({ stateDir: dir }), log }, requests);
  if (cli.json) {
    await out(`${JSON.stringify({ imports: outcomes }, null, 2)}\n`);
  } else {
    for (const o of outcomes) {
      const to = `${KEYCHAIN_SERVICE}/${o.name}`;
      if (o.status === 'imported') await out(`  imported  ${o.from} → ${to}${o.provider && o.provider !== 'unknown' ? ` (${o.provider})` : ''}\n`);
      else if (o.status === 'already') await out(`  present   ${o.from} → ${to} already holds the same value\n`);
      else await out(`  failed    ${o.from} → ${to} — ${o.message ?? 'failed'}\n`);
    }
    if (outcomes.some((o) => o.status !== 'failed')) {
      await out(`Servers can now use keychain:${KEYCHAIN_SERVICE}/NAME references; the original items are unchanged.\n`);
    }
  }
  return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}
