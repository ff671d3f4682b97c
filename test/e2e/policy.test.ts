// The team policy on the built binary: `fix --yes` writes a secret-free mcp-harden.policy.json,
// `audit` reads it back and reports each kind of drift, and `undo` removes it again.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSandbox, type Sandbox } from '../../src/demo/sandbox.js';
import { validatePolicy } from '../../src/core/policy.js';
import { buildDist, clearItems, filesHolding, keyringEnv, requireKeyring, ROOT, runCli } from '../helpers/e2e.js';

const outputs: string[] = [];
const ACCOUNTS = ['GITHUB_PERSONAL_ACCESS_TOKEN', 'SLACK_BOT_TOKEN', 'BRAVE_API_KEY', 'SENTRY_ACCESS_TOKEN', 'OPENAI_API_KEY', 'NOTION_TOKEN', 'STRIPE_SECRET_KEY', 'PASSWORD', 'LINEAR_API_KEY', 'ANTHROPIC_API_KEY'];
let sb: Sandbox;

const run = (args: string[]) =>
  runCli(args, { cwd: sb.workspace, env: { ...sb.env, XDG_STATE_HOME: join(sb.home, '.local', 'state'), ...keyringEnv() }, outputs });

type Violation = { rule: string; server?: string; message: string };
function violations(): Violation[] {
  const r = run(['audit', '--json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout).findings.filter((f: Violation) => f.rule === 'policy-violation');
}

/** Edits the committed .mcp.json, runs the check, then puts the file back. */
function withMcpJson(edit: (doc: { mcpServers: Record<string, { command?: string; args?: string[]; env?: Record<string, string> }> }) => void): Violation[] {
  const file = join(sb.workspace, '.mcp.json');
  const before = readFileSync(file, 'utf8');
  const doc = JSON.parse(before);
  edit(doc);
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  try {
    return violations();
  } finally {
    writeFileSync(file, before);
  }
}

beforeAll(() => {
  requireKeyring();
  buildDist();
  clearItems(ACCOUNTS);
  sb = buildSandbox({ seed: 'policy' });
});

afterAll(() => {
  const all = outputs.join('\n');
  for (const [name, value] of Object.entries(sb.secrets)) expect(all.includes(value), `${name} appeared in output`).toBe(false);
  rmSync(sb.root, { recursive: true, force: true });
  clearItems(ACCOUNTS);
});

describe('the team policy', () => {
  const policyFile = () => join(sb.workspace, 'mcp-harden.policy.json');

  test('fix --yes writes a secret-free policy of the project servers, valid by the shipped schema, that audit accepts', () => {
    const r = run(['fix', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(policyFile())).toBe(true);
    for (const [name, value] of Object.entries(sb.secrets)) expect(filesHolding(sb.workspace, value).includes(policyFile()), name).toBe(false);

    const doc = JSON.parse(readFileSync(policyFile(), 'utf8'));
    expect(() => validatePolicy(doc)).not.toThrow();
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schema/mcp-harden.policy.schema.json'), 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);

    // Project-scope servers only: not the user's github/slack (user, local) nor Cursor's user servers.
    const names = doc.servers.map((s: { name: string }) => s.name).sort();
    expect(names).toEqual(['browser', 'claude', 'filesystem', 'internal-search', 'notion', 'stripe']);
    const notion = doc.servers.find((s: { name: string }) => s.name === 'notion');
    expect(notion.env.NOTION_TOKEN).toBe('keychain:mcp-harden/NOTION_TOKEN');
    expect(notion.pin).toBe('@notionhq/notion-mcp-server@1.9.0');
    const secretNames = doc.secrets.map((s: { name: string }) => s.name).sort();
    expect(secretNames).toEqual(['ANTHROPIC_API_KEY', 'NOTION_TOKEN', 'STRIPE_SECRET_KEY']);
    expect(doc.secrets.find((s: { name: string }) => s.name === 'NOTION_TOKEN').servers).toEqual(['notion']);

    expect(violations()).toEqual([]);
  });

  test('a server the policy does not list is a violation', () => {
    const v = withMcpJson((d) => {
      d.mcpServers['new-one'] = { command: 'npx', args: ['-y', 'some-mcp-server@1.0.0'] };
    });
    expect(v.map((x) => x.server)).toEqual(['new-one']);
    expect(v[0]!.message).toContain('not in mcp-harden.policy.json');
  });

  test('unpinning a pinned package is a violation', () => {
    const v = withMcpJson((d) => {
      d.mcpServers.notion!.args = ['-y', '@notionhq/notion-mcp-server'];
    });
    expect(v.some((x) => x.server === 'notion' && /no longer pins @notionhq\/notion-mcp-server@1\.9\.0/.test(x.message))).toBe(true);
  });

  test('removing the reference of a required secret is a violation', () => {
    const v = withMcpJson((d) => {
      delete d.mcpServers.notion!.env;
    });
    expect(v.map((x) => x.message)).toEqual([expect.stringContaining('required secret NOTION_TOKEN')]);
  });

  test('undo removes the policy file again', () => {
    expect(violations()).toEqual([]);
    const u = run(['undo']);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(existsSync(policyFile())).toBe(false);
  });
});
