// `audit --max-secret-age` on the built binary: the flag's validation, and the limit it sets over
// the policy's maxSecretAgeDays and the default for keychain items recorded in secrets.json.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, makeBox, runCli, type Box } from '../helpers/e2e.js';

let box: Box;
const outputs: string[] = [];

beforeAll(() => {
  buildDist();
  box = makeBox('mcp-harden-stale-e2e-', 'project');
  const state = join(box.home, '.local', 'state', 'mcp-harden');
  mkdirSync(state, { recursive: true });
  const created = new Date(Date.now() - 120 * 86_400_000).toISOString();
  writeFileSync(
    join(state, 'secrets.json'),
    JSON.stringify({ version: 1, secrets: [{ service: 'mcp-harden', account: 'GITHUB_TOKEN', provider: 'github', kind: 'pat-classic', created, references: [] }] }),
  );
});

afterAll(() => {
  rmSync(box.root, { recursive: true, force: true });
});

function audit(args: string[]) {
  const r = runCli(['audit', '--json', '--workspace', box.workspace, ...args], { cwd: box.workspace, env: box.env, outputs });
  const stale = r.code === 0 || r.code === 1 ? (JSON.parse(r.stdout).findings as { rule: string; message: string }[]).filter((f) => f.rule === 'stale-secret') : [];
  return { ...r, stale };
}

function policy(doc: unknown | null): void {
  const path = join(box.workspace, 'mcp-harden.policy.json');
  if (doc === null) rmSync(path, { force: true });
  else writeFileSync(path, JSON.stringify(doc));
}

describe('audit --max-secret-age', () => {
  test.each(['abc', '0', '-5', '1.5', '90d', ''])('refuses %j with a usage error (exit 2) naming the option', (value) => {
    const r = runCli(['audit', '--workspace', box.workspace, '--max-secret-age', value], { cwd: box.workspace, env: box.env, outputs });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first] = r.stderr.split('\n');
    expect(first).toContain('--max-secret-age');
    expect(first).toContain('a whole number of days, 1 or more');
  });

  test('the default limit of 90 days reports an item stored 120 days ago; a larger limit does not', () => {
    policy(null);
    expect(audit([]).stale.map((f) => f.message)).toEqual([expect.stringContaining('mcp-harden/GITHUB_TOKEN was last stored 120 days ago (limit 90)')]);
    expect(audit(['--max-secret-age', '200']).stale).toEqual([]);
    expect(audit(['--max-secret-age', '200', '--no-home']).stale).toEqual([]);
  });

  test("the policy's maxSecretAgeDays sets the limit, and the flag wins over it", () => {
    policy({ maxSecretAgeDays: 200 });
    expect(audit([]).stale).toEqual([]);
    expect(audit(['--max-secret-age', '30']).stale.map((f) => f.message)).toEqual([expect.stringContaining('(limit 30)')]);
    policy({ maxSecretAgeDays: 0 });
    const bad = audit([]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('policy.maxSecretAgeDays must be a whole number of days, 1 or more');
    policy(null);
  });
});
