// The backup key in a real Secret Service (gnome-keyring), private to this run.
// Run: bash scripts/with-keyring.sh npx vitest run test/app/backup-vault.keyring.test.ts
import { mkdtempSync, readFileSync, readdirSync, rmSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKUP_KEY_ACCOUNT, BACKUP_KEY_SERVICE, BackupVault } from '../../src/app/backup-vault.js';
import { stateDir } from '../../src/app/state.js';
import { nodeProcessRunner } from '../../src/adapters/process.js';
import { KeytarStore } from '../../src/adapters/secret-store/keytar.js';
import { SecretToolStore } from '../../src/adapters/secret-store/secret-tool.js';
import { fakeToken } from '../helpers/tokens.js';
import { assertPrivateKeyring } from '../adapters/secret-store/keyring-helpers.js';

assertPrivateKeyring();

const home = mkdtempSync(join(tmpdir(), 'mcp-harden-vault-keyring-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('BackupVault on a real keychain', () => {
  it('keeps its key in the keyring, where secret-tool finds it, and never on disk', async () => {
    const state = await stateDir({ platform: 'linux', home, env: {} });
    const token = fakeToken('github-classic', 'keyring-vault');
    const original = Buffer.from(`{"mcpServers":{"github":{"env":{"GITHUB_PERSONAL_ACCESS_TOKEN":"${token}"}}}}\n`);
    const id = await new BackupVault({ stateDir: state, store: new KeytarStore({ timeoutMs: 15_000 }) }).save(original, {
      run: '20261124-190512-ab12',
      kind: 'file',
      path: join(home, '.cursor/mcp.json'),
      mode: 0o600,
    });

    const lookup = await nodeProcessRunner.run('secret-tool', ['lookup', 'service', BACKUP_KEY_SERVICE, 'account', BACKUP_KEY_ACCOUNT], {
      timeoutMs: 15_000,
    });
    expect(lookup.code, lookup.stderr).toBe(0);
    const key = lookup.stdout.trim();
    // Compared as booleans so a failure never prints the key.
    expect(Buffer.from(key, 'base64').length).toBe(32);
    expect((await new KeytarStore({ timeoutMs: 15_000 }).get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT)) === key).toBe(true);

    // Another process, another backend: the command-line store reads the same key and the backup.
    const later = new BackupVault({ stateDir: state, store: new SecretToolStore({ runner: nodeProcessRunner, timeoutMs: 15_000 }) });
    expect((await later.load(id)).equals(original)).toBe(true);

    const files = (readdirSync(home, { recursive: true, withFileTypes: true }) as Dirent[]).filter((e) => e.isFile());
    expect(files.length).toBe(1);
    for (const f of files) {
      const bytes = readFileSync(join(f.parentPath, f.name));
      for (const needle of [Buffer.from(key), Buffer.from(key, 'base64'), Buffer.from(token)]) {
        expect(bytes.includes(needle), `${f.name} holds the key or the secret`).toBe(false);
      }
    }
  });
});
