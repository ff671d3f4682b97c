// secrets.json: dates and references of the keychain items, never a value or a fingerprint.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsMeta, SecretsMetaError, type SecretReference } from '../../src/app/secrets-meta.js';
import { fakeToken } from '../helpers/tokens.js';

const temps: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mcp-harden-meta-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function clock(): { now: () => Date; set(iso: string): void } {
  let t = new Date('2026-11-24T19:05:12.000Z');
  return { now: () => t, set: (iso) => (t = new Date(iso)) };
}

const cursorRef: SecretReference = {
  file: '/home/ana/.cursor/mcp.json',
  path: ['mcpServers', 'github', 'env', 'GITHUB_PERSONAL_ACCESS_TOKEN'],
  client: 'cursor',
  server: 'github',
};
const envRef: SecretReference = { file: '/home/ana/project/.env', key: 'GITHUB_PERSONAL_ACCESS_TOKEN' };

describe('SecretsMeta', () => {
  it('records an item with its creation date and where it is referenced, in a 0600 file', async () => {
    const state = temp();
    const c = clock();
    const meta = new SecretsMeta({ stateDir: state, now: c.now });
    expect(await meta.list()).toEqual([]);
    await meta.recordStored({ service: 'mcp-harden', account: 'GITHUB_PERSONAL_ACCESS_TOKEN', provider: 'github', kind: 'pat-classic' });
    await meta.recordReference('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN', cursorRef);
    await meta.recordReference('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN', envRef);
    // The same place recorded again (a resumed run) is still one reference.
    await meta.recordReference('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN', { ...cursorRef });
    expect(statSync(meta.path).mode & 0o777).toBe(0o600);
    expect(meta.path).toBe(join(state, 'secrets.json'));
    expect(await new SecretsMeta({ stateDir: state }).list()).toEqual([
      {
        service: 'mcp-harden',
        account: 'GITHUB_PERSONAL_ACCESS_TOKEN',
        provider: 'github',
        kind: 'pat-classic',
        created: '2026-11-24T19:05:12.000Z',
        references: [cursorRef, envRef],
      },
    ]);
  });

  it('keeps the creation date when stored again, and dates a rotation', async () => {
    const state = temp();
    const c = clock();
    const meta = new SecretsMeta({ stateDir: state, now: c.now });
    await meta.recordStored({ service: 'mcp-harden', account: 'STRIPE_SECRET_KEY', provider: 'stripe', kind: 'secret-key' });
    c.set('2026-12-01T08:00:00.000Z');
    await meta.recordStored({ service: 'mcp-harden', account: 'STRIPE_SECRET_KEY', provider: 'stripe', kind: 'restricted-key' });
    await meta.recordRotated('mcp-harden', 'STRIPE_SECRET_KEY');
    const [e] = await meta.list();
    expect(e).toMatchObject({ kind: 'restricted-key', created: '2026-11-24T19:05:12.000Z', rotated: '2026-12-01T08:00:00.000Z' });
  });

  it('removes references and forgets items', async () => {
    const meta = new SecretsMeta({ stateDir: temp(), now: clock().now });
    await meta.recordStored({ service: 'mcp-harden', account: 'A', provider: 'github', kind: 'pat-classic' });
    await meta.recordReference('mcp-harden', 'A', cursorRef);
    await meta.recordReference('mcp-harden', 'A', envRef);
    expect(await meta.removeReference('mcp-harden', 'A', { file: cursorRef.file, path: cursorRef.path! })).toBe(true);
    expect(await meta.removeReference('mcp-harden', 'A', cursorRef)).toBe(false);
    expect((await meta.list())[0]!.references).toEqual([envRef]);
    expect(await meta.forget('mcp-harden', 'A')).toBe(true);
    expect(await meta.forget('mcp-harden', 'A')).toBe(false);
    expect(await meta.list()).toEqual([]);
  });

  it('lists items sorted by service, then account', async () => {
    const meta = new SecretsMeta({ stateDir: temp(), now: clock().now });
    for (const [s, a] of [['mcp-harden', 'Z_KEY'], ['github-pat', 'mcp-github'], ['mcp-harden', 'A_KEY']] as const) {
      await meta.recordStored({ service: s, account: a, provider: 'x', kind: 'y' });
    }
    expect((await meta.list()).map((e) => `${e.service}/${e.account}`)).toEqual(['github-pat/mcp-github', 'mcp-harden/A_KEY', 'mcp-harden/Z_KEY']);
  });

  it('writes neither a value nor a fingerprint, whatever a caller passes along', async () => {
    const state = temp();
    const meta = new SecretsMeta({ stateDir: state, now: clock().now });
    const token = fakeToken('github-classic', 'meta');
    await meta.recordStored({ service: 'mcp-harden', account: 'GH', provider: 'github', kind: 'pat-classic', value: token, fingerprint: 'sha256:3f1a9c0b2e4d' } as never);
    await meta.recordReference('mcp-harden', 'GH', { ...cursorRef, value: token } as never);
    const text = readFileSync(meta.path, 'utf8');
    expect(text).not.toContain(token);
    expect(text).not.toContain('3f1a9c0b2e4d');
    expect(text).not.toMatch(/value|fingerprint/);
    // Atomic writes leave nothing else in the state directory.
    expect(readdirSync(state)).toEqual(['secrets.json']);
  });

  it('says which item is unknown, and rejects a file that is not its own', async () => {
    const state = temp();
    const meta = new SecretsMeta({ stateDir: state });
    await expect(meta.recordReference('mcp-harden', 'NOPE', envRef)).rejects.toThrow(/no keychain item mcp-harden\/NOPE/);
    writeFileSync(join(state, 'secrets.json'), '{ not json');
    await expect(meta.list()).rejects.toBeInstanceOf(SecretsMetaError);
    await expect(meta.list()).rejects.toThrow(/not valid JSON/);
  });
});
