// A workspace port for unit tests that look at config files only: no .env walk, not a git repository;
// and a plan made from config files written into a temp HOME and workspace.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { scan, type WorkspacePort } from '../../src/app/audit.js';
import { planMigration } from '../../src/app/plan.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { trustByName } from './trust.js';

export const noWorkspace: WorkspacePort = {
  async findEnvFiles() {
    return { files: [], dirsRead: 0, filesSeen: 0, errors: [] };
  },
  async gitFacts() {
    return { isRepo: false, tracked: new Set(), ignored: new Set() };
  },
};

/**
 * A machine for one test: a new temp root holding `home/` and `ws/`, with `files` written under the
 * root (or under the home or the workspace: `under`). The caller removes `root`.
 */
export function tempMachine(prefix: string, files: Record<string, string> = {}, under: 'root' | 'home' | 'ws' = 'root') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const home = join(root, 'home');
  const workspace = join(root, 'ws');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(home, { recursive: true });
  const base = under === 'root' ? root : under === 'home' ? home : workspace;
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(base, rel)), { recursive: true });
    writeFileSync(join(base, rel), text);
  }
  return { root, home, workspace };
}

/**
 * Writes `files` (paths relative to a new temp root holding `home/` and `ws/`), scans them as the
 * audit does and plans with `planMigration`; `trust` by server name. The caller removes `root`.
 */
export async function planFiles(prefix: string, files: Record<string, string>, trust?: Map<string, TrustLevel>) {
  const { root, home, workspace } = tempMachine(prefix, files);
  const host = { platform: 'linux' as const, home, env: { HOME: home } };
  const { report, details } = await scan(nodeFs, noWorkspace, { host, workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' });
  const { plan } = planMigration(report, details, { workspace, home, platform: 'linux', launcherPath: '/l/mcp-harden-launch', ...(trust ? { trust: trustByName(details.servers, trust) } : {}) });
  return { root, home, workspace, plan };
}
