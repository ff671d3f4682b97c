import { describe, expect, it } from 'vitest';
import {
  findInlineReferences,
  findMalformedInlineReference,
  formatInlineReference,
  formatReference,
  isReferenceValue,
  looksLikeReference,
  parseReference,
  replaceInlineReferences,
} from '../../src/core/reference.js';

// Names that break a naive SERVICE/ACCOUNT split or the inline form's "}}" end.
const odd: [string, string][] = [
  ['mcp-harden', 'GITHUB_TOKEN'],
  ['mcp-harden', 'API_KEY@github'],
  ['mcp-harden', 'a/b/c'],
  ['svc/with/slash', 'acc'],
  ['mcp-harden', '100%'],
  ['mcp-harden', '%2F'],
  ['mcp-harden', 'ends}'],
  ['mcp-harden', '}}'],
  ['mcp-harden', '{{keychain:x/y}}'],
  ['mcp-harden', 'Authorization'],
  ['sérvice', 'пароль-密码-🔑'],
  ['with space', 'tab\there'],
  ['mcp-harden', 'line\nbreak'],
];

describe('whole-value references', () => {
  it('formats the plain form for ordinary names', () => {
    expect(formatReference('mcp-harden', 'GITHUB_TOKEN')).toBe('keychain:mcp-harden/GITHUB_TOKEN');
    expect(formatReference('mcp-harden', 'API_KEY@github')).toBe('keychain:mcp-harden/API_KEY@github');
  });

  it('percent-encodes / % and } and keeps unicode as is', () => {
    expect(formatReference('a/b', '100%}')).toBe('keychain:a%2Fb/100%25%7D');
    expect(formatReference('sérvice', '🔑')).toBe('keychain:sérvice/🔑');
  });

  it.each(odd)('round-trips service %j account %j', (service, account) => {
    const ref = formatReference(service, account);
    expect(ref).not.toMatch(/[\n\r\t]/);
    expect(parseReference(ref)).toEqual({ service, account });
    expect(isReferenceValue(ref)).toBe(true);
  });

  it('accepts lower-case escapes written by hand', () => {
    expect(parseReference('keychain:mcp-harden/a%2fb')).toEqual({ service: 'mcp-harden', account: 'a/b' });
  });

  it.each([
    'keychain:',
    'keychain:mcp-harden',
    'keychain:mcp-harden/',
    'keychain:/ACCOUNT',
    'keychain:a/b/c',
    'keychain:a/b%',
    'keychain:a/b%4',
    'keychain:a/b%zz',
    'keychain:a/b%00',
    'keychain:a/b}',
    'keychain:a/b\nc',
    'Keychain:a/b',
    ' keychain:a/b',
    '{{keychain:a/b}}',
    'ghp_notareference',
  ])('rejects %j as a whole-value reference', (value) => {
    expect(parseReference(value)).toBeNull();
    expect(isReferenceValue(value)).toBe(false);
  });

  it('refuses to format an empty name', () => {
    expect(() => formatReference('', 'A')).toThrow();
    expect(() => formatInlineReference('mcp-harden', '')).toThrow();
  });
});

describe('inline references', () => {
  it('formats the braced form', () => {
    expect(formatInlineReference('mcp-harden', 'STRIPE_SECRET_KEY')).toBe('{{keychain:mcp-harden/STRIPE_SECRET_KEY}}');
  });

  it.each(odd)('round-trips service %j account %j inside an argument', (service, account) => {
    const arg = `--api-key=${formatInlineReference(service, account)}}tail`;
    const refs = findInlineReferences(arg);
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({ service, account, start: '--api-key='.length });
    expect(arg.slice(refs[0]!.end)).toBe('}tail');
  });

  it('finds several references in a connection URL and replaces them in order', () => {
    const url = `postgres://${formatInlineReference('mcp-harden', 'DB_USER')}:${formatInlineReference('mcp-harden', 'DB_PASSWORD@pg')}@db:5432/app`;
    const refs = findInlineReferences(url);
    expect(refs.map((r) => r.account)).toEqual(['DB_USER', 'DB_PASSWORD@pg']);
    expect(replaceInlineReferences(url, (r) => `<${r.account}>`)).toBe('postgres://<DB_USER>:<DB_PASSWORD@pg>@db:5432/app');
  });

  it('leaves text without references alone', () => {
    expect(findInlineReferences('--flag={{not-a-ref}}')).toEqual([]);
    expect(replaceInlineReferences('plain {{x}} text', () => 'never')).toBe('plain {{x}} text');
    expect(looksLikeReference('plain')).toBe(false);
  });

  it('reports an unterminated or malformed reference instead of passing it on', () => {
    expect(findMalformedInlineReference('--k={{keychain:mcp-harden/A')).toBe(4);
    expect(findMalformedInlineReference('{{keychain:a/b/c}}')).toBe(0);
    expect(findMalformedInlineReference('ok {{keychain:a/b}} then {{keychain:bad}}')).toBe(25);
    expect(findMalformedInlineReference('{{keychain:a/b}}')).toBeNull();
    expect(looksLikeReference('x{{keychain:bad')).toBe(true);
    expect(() => replaceInlineReferences('{{keychain:a%zz/b}}', () => '')).toThrow(/offset 0/);
  });
});
