// The audit asks git about the workspace's files while it reads .env files and history; the facts
// must be the same as asking afterwards, also for a secret file that was not among those asked.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { findEnvFiles } from '../../src/adapters/walk.js';
import { gitFacts } from '../../src/adapters/git.js';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { runAudit, type WorkspacePort } from '../../src/app/audit.js';
import { fakeToken } from '../helpers/tokens.js';
import { runGit } from '../helpers/git.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) => runGit(cwd, args);

describe('audit and git', () => {
  test('a workspace that is the home: its committed shell history is reported as tracked, .env files as not ignored', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-harden-audit-git-'));
    roots.push(home);
    const token = fakeToken('github-classic', 'audit-git');
    writeFileSync(join(home, '.mcp.json'), JSON.stringify({ mcpServers: { gh: { command: 'npx', args: ['-y', 'server-github@1.0.0'], env: { GITHUB_TOKEN: '${GITHUB_TOKEN}' } } } }));
    writeFileSync(join(home, '.bash_history'), `export GITHUB_TOKEN=${token}\n`, { mode: 0o600 });
    mkdirSync(join(home, 'app'));
    writeFileSync(join(home, 'app/.env'), `GITHUB_TOKEN=${token}\n`, { mode: 0o600 });
    git(home, 'init', '-q');
    git(home, 'add', '.bash_history', '.mcp.json');
    git(home, 'commit', '-q', '-m', 'dotfiles');

    const calls: string[][] = [];
    const port: WorkspacePort = {
      findEnvFiles,
      async gitFacts(ws, files) {
        calls.push([...files].sort());
        return gitFacts(ws, files);
      },
    };
    const report = await runAudit(nodeFs, port, { host: { platform: 'linux', home, env: { HOME: home } }, workspace: home, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' });

    const rulesAt = (file: string) => report.findings.filter((f) => f.file === join(home, file)).map((f) => f.rule).sort();
    expect(rulesAt('.bash_history')).toEqual(['secret-file-tracked', 'secret-in-shell-history']);
    expect(rulesAt('app/.env')).toEqual(['env-not-gitignored', 'plaintext-secret']);
    // Asked once early (configs and .env files), then again with the history file it did not cover.
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toContain(join(home, '.bash_history'));
    expect(calls[1]).toContain(join(home, '.bash_history'));
    expect(JSON.stringify(report)).not.toContain(token);
  });
});
