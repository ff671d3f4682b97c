import { describe, expect, it } from 'vitest';
import { detectSecrets } from '../../../src/core/secrets/index.js';
import { fakeJwt, fakePrivateKey, fakeSupabaseJwt } from '../../helpers/tokens.js';

const NOW = Date.UTC(2026, 0, 1);

describe('JWTs', () => {
  it('reports a Supabase service_role key with high confidence', () => {
    const jwt = fakeSupabaseJwt('service_role', 'svc');
    const found = detectSecrets(jwt, { where: 'env', key: 'SUPABASE_SERVICE_ROLE_KEY' }, { now: NOW });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ provider: 'supabase', kind: 'service-role-key', confidence: 'high', value: jwt });
  });

  it('does not report a Supabase anon key, even under a KEY name', () => {
    const jwt = fakeSupabaseJwt('anon', 'anon');
    expect(detectSecrets(jwt, { where: 'env', key: 'SUPABASE_ANON_KEY' }, { now: NOW })).toEqual([]);
    expect(detectSecrets(`Bearer ${jwt}`, { where: 'header', key: 'Authorization' }, { now: NOW })).toEqual([]);
  });

  it('gives an expired JWT low confidence', () => {
    const jwt = fakeJwt({ sub: 'u1', exp: Math.floor(NOW / 1000) - 60 }, 'old');
    expect(detectSecrets(jwt, { where: 'text' }, { now: NOW })[0]!.confidence).toBe('low');
    const live = fakeJwt({ sub: 'u1', exp: Math.floor(NOW / 1000) + 3600 }, 'live');
    expect(detectSecrets(live, { where: 'text' }, { now: NOW })[0]!).toMatchObject({ provider: 'jwt', confidence: 'medium' });
  });

  it('ignores eyJ-looking strings that do not decode to JSON', () => {
    expect(detectSecrets('eyJhbGciOiJIUzI1NiJ9garbage.eyJnotjsonatall.sig', { where: 'text' })).toEqual([]);
  });
});

describe('private keys', () => {
  it('reports a PEM private key block', () => {
    const pem = fakePrivateKey('k1', { type: 'RSA' });
    const text = `key:\n${pem}\n`;
    const found = detectSecrets(text, { where: 'text' });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ provider: 'private-key', kind: 'rsa-private-key', confidence: 'high', value: pem });
  });

  it('gives an encrypted key low confidence', () => {
    expect(detectSecrets(fakePrivateKey('k2', { encrypted: true }), { where: 'text' })[0]!.confidence).toBe('low');
  });

  it('finds a key written with literal \\n escapes', () => {
    const escaped = fakePrivateKey('k3').replace(/\n/g, '\\n');
    expect(detectSecrets(escaped, { where: 'env', key: 'PRIVATE_KEY' })).toHaveLength(1);
  });

  it('does not report a truncated example', () => {
    expect(detectSecrets('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----', { where: 'text' })).toEqual([]);
  });
});
