// A config in a folder that is a link leading out of the workspace and home is reported like a
// linked file (symlink-outside) and left out of the plan; a workspace or home that is itself reached
// through a link is not "outside".
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { scan } from '../../src/app/audit.js';
import { planMigration } from '../../src/app/plan.js';
import { fakeToken } from '../helpers/tokens.js';
import { noWorkspace, tempMachine } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const config = (token: string) => JSON.stringify({ mcpServers: { github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: token } } } }, null, 2);

async function audit(home: string, workspace: string) {
  const host = { platform: 'linux' as const, home, env: { HOME: home } };
  const { report, details } = await scan(nodeFs, noWorkspace, { host, workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' });
  const { plan } = planMigration(report, details, { workspace, home, platform: 'linux', launcherPath: '/l/mcp-harden-launch' });
  return { report, plan };
}

describe('configs in linked folders', () => {
  test('a project config whose folder links out of the workspace and home is reported, read, and never planned', async () => {
    const { root, home, workspace } = tempMachine('mcp-harden-linked-', {
      'elsewhere/cursor/mcp.json': config(fakeToken('github-classic', 'linked-folder')),
      'ws/.mcp.json': config(fakeToken('github-classic', 'plain-file')),
    });
    roots.push(root);
    symlinkSync(join(root, 'elsewhere', 'cursor'), join(workspace, '.cursor'));
    const linked = join(workspace, '.cursor', 'mcp.json');

    const { report, plan } = await audit(home, workspace);
    const outside = report.findings.filter((f) => f.rule === 'symlink-outside');
    expect(outside.map((f) => [f.file, f.message])).toEqual([
      [linked, `mcp.json is reached through a linked folder and really is ${join(root, 'elsewhere', 'cursor', 'mcp.json')}, outside the workspace and home directory; it is read, never changed through the link`],
    ]);
    // Read: its secret is found, and masked in the report.
    expect(report.findings.some((f) => f.rule === 'plaintext-secret' && f.file === linked)).toBe(true);
    // Never planned, while the ordinary project config next to it is.
    expect(plan.actions.filter((a) => 'file' in a && a.file === linked)).toEqual([]);
    expect(plan.actions.some((a) => 'file' in a && a.file === join(workspace, '.mcp.json'))).toBe(true);
  });

  test('a workspace and a home reached through links are not outside themselves', async () => {
    const { root, home, workspace } = tempMachine('mcp-harden-linked-', {
      'ws/.mcp.json': config(fakeToken('github-classic', 'via-alias')),
      'home/.cursor/mcp.json': config(fakeToken('github-classic', 'home-alias')),
    });
    roots.push(root);
    symlinkSync(workspace, join(root, 'ws-alias'));
    symlinkSync(home, join(root, 'home-alias'));

    const { report, plan } = await audit(join(root, 'home-alias'), join(root, 'ws-alias'));
    expect(report.findings.filter((f) => f.rule === 'symlink-outside')).toEqual([]);
    expect(report.findings.filter((f) => f.rule === 'plaintext-secret')).toHaveLength(2);
    expect(plan.actions.some((a) => 'file' in a && a.file === join(root, 'ws-alias', '.mcp.json'))).toBe(true);
    expect(plan.actions.some((a) => 'file' in a && a.file === join(root, 'home-alias', '.cursor', 'mcp.json'))).toBe(true);
  });
});
