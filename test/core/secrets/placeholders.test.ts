import { describe, expect, it } from 'vitest';
import { detectSecrets, isPlaceholder, isReference } from '../../../src/core/secrets/index.js';
import { fakeHex, fakeToken } from '../../helpers/tokens.js';

const REFERENCES = [
  '${BRAVE_API_KEY}',
  '${VAR:-fallback}',
  '${env:GITHUB_TOKEN}',
  '${input:github_token}',
  '${{ secrets.GITHUB_TOKEN }}',
  '$GITHUB_PAT',
  '%API_KEY%',
  '{{keychain:mcp-harden/BRAVE_API_KEY}}',
  'keychain:mcp-harden/BRAVE_API_KEY',
  '{{ api_key }}',
];

const PLACEHOLDERS = [
  '',
  '   ',
  '<YOUR_TOKEN>',
  '[YOUR_KEY]',
  'your-api-key-here',
  'your_token',
  'YOUR_BRAVE_API_KEY',
  'yourApiKey',
  'PUT_KEY_HERE',
  'xxxx',
  'XXXXXXXXXXXXXXXX',
  '********',
  '....',
  'changeme',
  'placeholder',
  'PLACEHOLDER_API_KEY',
  'REPLACE_ME',
  'TODO',
  'dummy',
  'example',
  'test',
  'testing',
  'none',
  'null',
  'sk-...',
  'sk-xxxxxxxxxxxxxxxxxxxxxxxx',
  'ghp_' + '0'.repeat(36),
  'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'xoxb-xxxxxxxxxxxx-xxxxxxxxxxxx',
  'AKIAIOSFODNN7EXAMPLE',
];

describe('isReference', () => {
  it.each(REFERENCES)('treats %s as a reference', (v) => expect(isReference(v)).toBe(true));

  it('does not treat literal values or partial references as whole references', () => {
    expect(isReference(fakeHex('r'))).toBe(false);
    expect(isReference('Bearer ${TOKEN}')).toBe(false);
    expect(isReference('pa$word')).toBe(false);
  });
});

describe('isPlaceholder', () => {
  it.each(PLACEHOLDERS.map((p, i) => [i, p] as const))('treats placeholder #%i as a placeholder', (_i, v) =>
    expect(isPlaceholder(v)).toBe(true),
  );

  it('does not treat real-shaped values as placeholders', () => {
    for (const v of [fakeToken('github-classic'), fakeToken('stripe-test'), fakeHex('p', 32), 'Nxq!8812kz', fakeToken('anthropic'), 'Puttylamp-42x', 'Entertain-99x']) {
      expect(isPlaceholder(v)).toBe(false);
    }
  });
});

describe('detectSecrets never reports references or placeholders', () => {
  const keys = ['GITHUB_PERSONAL_ACCESS_TOKEN', 'BRAVE_API_KEY', 'DB_PASSWORD', 'Authorization', 'X-API-Key'];
  it.each([...REFERENCES, ...PLACEHOLDERS].map((v, i) => [i, v] as const))('value #%i', (_i, v) => {
    for (const key of keys) {
      expect(detectSecrets(v, { where: 'env', key })).toEqual([]);
      expect(detectSecrets(v, { where: 'header', key })).toEqual([]);
      expect(detectSecrets(v, { where: 'arg', previousArg: '--api-key' })).toEqual([]);
    }
  });

  it('does not report references after an auth scheme or inside a URL', () => {
    expect(detectSecrets('Bearer ${GITHUB_TOKEN}', { where: 'header', key: 'Authorization' })).toEqual([]);
    expect(detectSecrets('Bearer {{keychain:mcp-harden/TOKEN}}', { where: 'header', key: 'Authorization' })).toEqual([]);
    expect(detectSecrets('--api-key={{keychain:mcp-harden/STRIPE_SECRET_KEY}}', { where: 'arg' })).toEqual([]);
    expect(detectSecrets('postgres://app:${DB_PASSWORD}@db:5432/app', { where: 'arg' })).toEqual([]);
    expect(detectSecrets('https://api.example.net/v1?api_key=${API_KEY}', { where: 'url' })).toEqual([]);
  });
});
