// The guided rotation driven through a scripted Prompter over the in-memory keychain: which
// questions come in which order, what is said, and what the files and keychain hold afterwards.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import type { AuditOptions, WorkspacePort } from '../../src/app/audit.js';
import type { RotateDeps } from '../../src/app/rotate.js';
import { rotateWith } from '../../src/cli/rotate-flow.js';
import { FlowCancelled, type Prompter, type PromptChoice } from '../../src/wizard/prompter.js';
import { fakeToken } from '../helpers/tokens.js';
import { noWorkspace } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

type Answer = string | boolean | ((choices: PromptChoice<unknown>[]) => unknown);

/** Answers in order; records every question and line. A select answer names the choice by its label's start. */
function scripted(answers: Answer[]) {
  const asked: string[] = [];
  const said: string[] = [];
  const next = (kind: string, message: string) => {
    asked.push(`${kind}: ${message}`);
    if (!answers.length) throw new FlowCancelled();
    return answers.shift()!;
  };
  const p: Prompter = {
    say: (text) => void said.push(text),
    async select<T>(q: { message: string; choices: PromptChoice<T>[] }) {
      const a = next('select', q.message);
      if (typeof a === 'function') return a(q.choices as PromptChoice<unknown>[]) as T;
      const c = q.choices.find((x) => x.name.startsWith(String(a)));
      if (!c) throw new Error(`no choice "${String(a)}" in ${q.choices.map((x) => x.name).join(' | ')}`);
      return c.value;
    },
    async secret(q) {
      const a = String(next('secret', q.message));
      const v = q.validate?.(a);
      if (v !== undefined && v !== true) throw new Error(`refused: ${v}`);
      return a;
    },
    async confirm(q) {
      const a = next('confirm', q.message);
      return typeof a === 'boolean' ? a : q.default;
    },
    task: (_label, work) => work(() => {}, new AbortController().signal),
    close: async () => {},
  };
  return { p, asked, said };
}

function setup(old: string) {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-rotate-flow-'));
  roots.push(root);
  const home = join(root, 'home');
  const workspace = join(root, 'ws');
  mkdirSync(workspace, { recursive: true });
  const file = join(home, '.cursor', 'mcp.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ mcpServers: { gh: { command: 'node', args: ['server.js'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: old } } } }, null, 2) + '\n', { mode: 0o600 });
  const host = { platform: 'linux' as const, home, env: { HOME: home, XDG_STATE_HOME: join(home, '.state') } };
  const audit: AuditOptions = { host, workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' };
  const store = new MemorySecretStore();
  const deps: RotateDeps = {
    fs: nodeFs,
    workspacePort: noWorkspace,
    openStore: async () => store,
    resolvesTo: async (service, account, value) => (await store.get(service, account)) === value,
  };
  return { file, audit, store, deps };
}

describe('the guided rotation', () => {
  test('switch first: pick the secret, give the new value, apply; then the revocation step', async () => {
    const old = fakeToken('github-classic', 'flow-old');
    const fresh = fakeToken('github-classic', 'flow-new');
    const { file, audit, store, deps } = setup(old);
    const { p, asked, said } = scripted(['GITHUB_PERSONAL_ACCESS_TOKEN', 'Switch', false, fresh, true, false]);
    const code = await rotateWith(p, deps, audit, undefined, { history: false });
    expect(code).toBe(0);
    expect(asked).toEqual([
      'select: Which secret leaked?',
      'select: In which order?',
      'confirm: Check tokens with github over the network (read-only calls)?',
      'secret: New value for GITHUB_PERSONAL_ACCESS_TOKEN',
      'confirm: Apply it?',
      'confirm: Report it to GitHub’s public credential-revocation API now? GitHub revokes it at once and emails its owner.',
    ]);
    expect((await store.get('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN')) === fresh, 'the item holds the new value').toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('"GITHUB_PERSONAL_ACCESS_TOKEN": "keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN"');
    const text = said.join('\n');
    expect(text).toContain('no copy of the old value is left on disk');
    expect(text).toMatch(/Revoke the old token: https:\/\/github\.com\/settings\/tokens/);
    // The revocation comes after the switch.
    expect(said.findIndex((l) => l.startsWith('Revoke the old token'))).toBeGreaterThan(said.findIndex((l) => l.includes('holds the new value')));
    expect(text).not.toContain(old);
    expect(text).not.toContain(fresh);
  });

  test('revoke first: the revocation step comes before the new value is asked for', async () => {
    const old = fakeToken('github-classic', 'flow-old-2');
    const fresh = fakeToken('github-classic', 'flow-new-2');
    const { audit, deps } = setup(old);
    const { p, asked } = scripted(['Revoke', false, false, fresh, true]);
    const code = await rotateWith(p, deps, audit, 'GITHUB_PERSONAL_ACCESS_TOKEN', { history: false });
    expect(code).toBe(0);
    const report = asked.findIndex((a) => a.startsWith('confirm: Report it to GitHub'));
    const secret = asked.findIndex((a) => a.startsWith('secret: New value'));
    expect(report).toBeGreaterThan(-1);
    expect(report).toBeLessThan(secret);
  });

  test('a pasted value is matched by fingerprint and never said back', async () => {
    const old = fakeToken('github-classic', 'flow-old-3');
    const fresh = fakeToken('github-classic', 'flow-new-3');
    const { audit, deps, store } = setup(old);
    const { p, said } = scripted(['Paste', old, 'Switch', false, fresh, true, false]);
    expect(await rotateWith(p, deps, audit, undefined, { history: false })).toBe(0);
    expect(said.join('\n')).toMatch(/That value is GITHUB_PERSONAL_ACCESS_TOKEN \(sha256:[0-9a-f]{12}\)/);
    expect(said.join('\n')).not.toContain(old);
    expect((await store.get('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN')) === fresh, 'the item holds the new value').toBe(true);
  });

  test('a pasted value nothing here uses: nothing to switch, revocation advice only', async () => {
    const { audit, deps, store } = setup(fakeToken('github-classic', 'flow-old-4'));
    const stranger = fakeToken('github-classic', 'someone-else');
    const { p, said } = scripted(['Paste', stranger]);
    expect(await rotateWith(p, deps, audit, undefined, { history: false })).toBe(0);
    expect(said.join('\n')).toContain('No config, .env file, keychain item, backup or history line on this machine holds that value');
    expect(await store.list('mcp-harden')).toEqual([]);
  });

  test('declining the plan changes nothing (exit 130)', async () => {
    const old = fakeToken('github-classic', 'flow-old-5');
    const { audit, deps, file, store } = setup(old);
    const before = readFileSync(file, 'utf8');
    const { p } = scripted(['Switch', false, fakeToken('github-classic', 'flow-new-5'), false]);
    expect(await rotateWith(p, deps, audit, 'GITHUB_PERSONAL_ACCESS_TOKEN', { history: false })).toBe(130);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(await store.list('mcp-harden')).toEqual([]);
  });

  test('a new value of the wrong shape is refused by the question itself', async () => {
    const old = fakeToken('github-classic', 'flow-old-6');
    const { audit, deps } = setup(old);
    const { p } = scripted(['Switch', false, fakeToken('slack-bot', 'flow-slack')]);
    await expect(rotateWith(p, deps, audit, 'GITHUB_PERSONAL_ACCESS_TOKEN', { history: false })).rejects.toThrow(/refused: it looks like a slack credential/);
  });
});
