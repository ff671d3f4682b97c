// The audit reports keychain items not rotated for too long, from secrets.json in the user's state
// directory: only when the home is audited, at the file that references the item.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { runAudit, type AuditOptions } from '../../src/app/audit.js';
import { noWorkspace } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const NOW = new Date('2026-11-24T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

// The github server starts on line 3 of the file.
const cursorConfig = `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": { "GITHUB_TOKEN": "keychain:mcp-harden/GITHUB_TOKEN" }
    }
  }
}
`;

interface Item {
  account: string;
  created: string;
  rotated?: string;
  referenced?: boolean;
}

/** A HOME with a Cursor config using a keychain reference, and secrets.json (raw text, or built from items). */
function machine(meta: string | Item[] | null) {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-stale-'));
  roots.push(root);
  const home = join(root, 'home');
  const workspace = join(root, 'ws');
  mkdirSync(workspace, { recursive: true });
  const cursor = join(home, '.cursor', 'mcp.json');
  mkdirSync(dirname(cursor), { recursive: true });
  writeFileSync(cursor, cursorConfig);
  const metaFile = join(home, '.local', 'state', 'mcp-harden', 'secrets.json');
  if (meta !== null) {
    mkdirSync(dirname(metaFile), { recursive: true });
    const text =
      typeof meta === 'string'
        ? meta
        : JSON.stringify({
            version: 1,
            secrets: meta.map((i) => ({
              service: 'mcp-harden',
              account: i.account,
              provider: 'github',
              kind: 'pat-classic',
              created: i.created,
              ...(i.rotated ? { rotated: i.rotated } : {}),
              references: i.referenced
                ? [{ file: cursor, path: ['mcpServers', 'github', 'env', i.account], client: 'cursor', server: 'github' }]
                : [],
            })),
          });
    writeFileSync(metaFile, text);
  }
  const base: AuditOptions = {
    host: { platform: 'linux', home, env: { HOME: home } },
    workspace,
    noHome: false,
    configs: [],
    failOn: 'high',
    ignore: [],
    version: 'test',
    now: NOW,
  };
  return { cursor, metaFile, workspace, audit: (o: Partial<AuditOptions> = {}) => runAudit(nodeFs, noWorkspace, { ...base, ...o }) };
}

const stale = (r: Awaited<ReturnType<ReturnType<typeof machine>['audit']>>) => r.findings.filter((f) => f.rule === 'stale-secret');

describe('stale-secret in the audit', () => {
  test('an item stored 120 days ago is reported at the config that references it, with its client and server', async () => {
    const m = machine([{ account: 'GITHUB_TOKEN', created: daysAgo(120), referenced: true }]);
    const r = await m.audit();
    expect(stale(r)).toEqual([
      {
        rule: 'stale-secret',
        severity: 'low',
        message: 'keychain item mcp-harden/GITHUB_TOKEN was last stored 120 days ago (limit 90): run `mcp-harden rotate GITHUB_TOKEN`',
        file: m.cursor,
        line: 3,
        client: 'cursor',
        server: 'github',
        fix: expect.stringContaining('mcp-harden rotate'),
      },
    ]);
    expect(r.summary.byRule['stale-secret']).toBe(1);
    // Low severity: it does not fail the audit at the default threshold.
    expect(r.summary.failing).toBe(0);
  });

  test('an item with no recorded reference points at secrets.json; a recent rotation clears an old item', async () => {
    const m = machine([
      { account: 'LOOSE', created: daysAgo(200) },
      { account: 'GITHUB_TOKEN', created: daysAgo(300), rotated: daysAgo(5), referenced: true },
    ]);
    const found = stale(await m.audit());
    expect(found.map((f) => [f.file, f.line, f.message.split(' was')[0]])).toEqual([[m.metaFile, 1, 'keychain item mcp-harden/LOOSE']]);
  });

  test('not with --no-home, nor when only --config files are audited', async () => {
    const m = machine([{ account: 'GITHUB_TOKEN', created: daysAgo(120), referenced: true }]);
    expect(stale(await m.audit({ noHome: true }))).toEqual([]);
    expect(stale(await m.audit({ configs: [m.cursor] }))).toEqual([]);
  });

  test('the policy sets the limit, and the option wins over it', async () => {
    const m = machine([{ account: 'GITHUB_TOKEN', created: daysAgo(120), referenced: true }]);
    expect(stale(await m.audit({ policy: { maxSecretAgeDays: 180 } }))).toEqual([]);
    const [f] = stale(await m.audit({ policy: { maxSecretAgeDays: 180 }, maxSecretAgeDays: 30 }));
    expect(f?.message).toContain('120 days ago (limit 30)');
    expect(stale(await m.audit({ policy: { maxSecretAgeDays: 30 }, maxSecretAgeDays: 365 }))).toEqual([]);
  });

  test('no secrets.json: no finding and no note', async () => {
    const m = machine(null);
    const r = await m.audit();
    expect(stale(r)).toEqual([]);
    expect(r.notes).toEqual([]);
  });

  test('a damaged secrets.json is a note, and the rest of the audit still runs', async () => {
    const m = machine('{ "secrets": [ ');
    const r = await m.audit();
    expect(stale(r)).toEqual([]);
    expect(r.notes).toEqual([`${m.metaFile} is not valid JSON; keychain item ages were not checked`]);
    expect(r.servers.map((s) => s.name)).toEqual(['github']);
  });
});
