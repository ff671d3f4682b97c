// Every real config in ../shared/corpus goes through the whole audit: no crash, its servers listed,
// every credential its sources.tsv row lists as redacted reported, and no placeholder reported.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runAudit } from '../../src/app/audit.js';
import { nodeFs } from '../../src/adapters/node-fs.js';
import type { ClientKind } from '../../src/core/model.js';
import { inferSource, parseConfig } from '../../src/core/clients/index.js';
import { detectSecrets } from '../../src/core/secrets/index.js';
import { CORPUS, folderClient } from '../helpers/corpus.js';
import { noWorkspace } from '../helpers/workspace.js';

interface Row {
  kind: string;
  path: string;
  redactions: { label: string; server: string; where: 'env' | 'header' | 'arg'; key?: string }[];
  notes: string;
}

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function readRows(): Row[] {
  const lines = readFileSync(join(CORPUS, 'sources.tsv'), 'utf8').split('\n').filter(Boolean).slice(1);
  return lines.map((line) => {
    const [kind, path, , , , redactions, notes] = line.split('\t') as string[];
    const parsed: Row['redactions'] = [];
    if (redactions && redactions !== 'none') {
      for (const item of splitTop(redactions, ',')) {
        const colon = item.indexOf(':', item.indexOf(')') > -1 && item.indexOf(')') < item.indexOf(':') ? item.indexOf(')') : 0);
        const label = item.slice(0, colon);
        const locations = item.slice(colon + 1).replace(/\([^)]*\)$/, '');
        for (const loc of locations.split('+')) {
          const m = /^(?:mcpServers|servers|mcp_servers)\.(.+?)\.(env|headers|args)(?:\.(.+)|\[(\d+)\])$/.exec(loc.replace(/\([^)]*\)$/, ''));
          if (!m) throw new Error(`cannot read redaction location ${loc} in ${path}`);
          const where = m[2] === 'env' ? 'env' : m[2] === 'headers' ? 'header' : 'arg';
          parsed.push({ label, server: m[1]!, where, ...(m[3] ? { key: m[3] } : {}) });
        }
      }
    }
    return { kind: kind!, path: path!, redactions: parsed, notes: notes ?? '' };
  });
}

describe('corpus of real MCP configs', () => {
  test('the shared corpus is present (CI always has it beside the repo)', () => {
    expect(existsSync(join(CORPUS, 'sources.tsv')), `missing ${CORPUS}: the corpus tests cannot run`).toBe(true);
  });
  if (!existsSync(join(CORPUS, 'sources.tsv'))) return;

  const rows = readRows();
  test('has rows', () => expect(rows.length).toBeGreaterThan(50));

  test.each(rows.map((r) => [r.path, r] as const))('%s', async (_name, row) => {
    const file = join(CORPUS, row.path);
    const report = await runAudit(nodeFs, noWorkspace, {
      host: { platform: 'linux', home: '/nonexistent-home', env: {} },
      workspace: CORPUS,
      noHome: true,
      configs: [file],
      client: folderClient(row.kind),
      failOn: 'high',
      ignore: [],
      version: 'test',
    });
    expect(report.sources).toHaveLength(1);
    const source = report.sources[0]!;
    if (source.status === 'unparseable') {
      const f = report.findings.find((x) => x.rule === 'config-unparseable')!;
      expect(f.line).toBeGreaterThan(0);
      return;
    }
    // Every credential the row lists is reported at its place.
    for (const r of row.redactions) {
      const found = report.secrets.some((s) =>
        s.locations.some((l) => l.server === r.server && l.where === r.where && (r.key === undefined || l.key === r.key)),
      );
      expect(found, `${r.label} at ${r.server} ${r.where} ${r.key ?? ''}`).toBe(true);
    }
    // Nothing else is reported as a secret: the corpus left placeholders as found.
    const expected = new Set(row.redactions.map((r) => `${r.server}|${r.where}|${r.key ?? ''}`));
    for (const s of report.secrets) {
      for (const l of s.locations) {
        const key = `${l.server}|${l.where}|${l.where === 'arg' ? '' : (l.key ?? '')}`;
        expect(expected.has(key) || expected.has(`${l.server}|${l.where}|`), `unexpected ${s.provider} ${s.kind} at ${key}`).toBe(true);
      }
    }
    // The report never holds a secret value: find the values again, straight from the file.
    const json = JSON.stringify(report);
    const parsed = parseConfig(inferSource(file, readFileSync(file, 'utf8'), folderClient(row.kind)), readFileSync(file, 'utf8'));
    const values: string[] = [];
    for (const s of parsed.servers) {
      for (const e of s.env) values.push(...detectSecrets(e.value.value, { where: 'env', key: e.key }).map((d) => d.value));
      for (const h of s.headers) values.push(...detectSecrets(h.value.value, { where: 'header', key: h.key }).map((d) => d.value));
      s.args.forEach((a, i) =>
        values.push(...detectSecrets(a.value, { where: 'arg', previousArg: s.args[i - 1]?.value }).map((d) => d.value)),
      );
    }
    expect(values.length).toBeGreaterThanOrEqual(new Set(row.redactions.map((r) => r.server + r.where + r.key)).size > 0 ? 1 : 0);
    for (const v of values) expect(json.includes(v), `a ${v.length}-character value leaked into the report`).toBe(false);
  });
});
