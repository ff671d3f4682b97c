// The stale-secret rule on secrets.json entries: the age boundary, which date counts, the wording,
// where the finding points, and what a damaged file gives.
import { describe, expect, test } from 'vitest';
import { ageInDays, parseSecretsMeta, staleSecretFindings, type StaleEntry } from '../../src/core/stale.js';
import { RULES } from '../../src/core/rules.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const META = '/home/ana/.local/state/mcp-harden/secrets.json';
const daysAgo = (d: number, extraMs = 0) => new Date(NOW.getTime() - d * 86_400_000 - extraMs).toISOString();

const entry = (over: Partial<StaleEntry> = {}): StaleEntry => ({ service: 'mcp-harden', account: 'GITHUB_TOKEN', references: [], ...over });
const run = (entries: StaleEntry[], maxAgeDays = 90) => staleSecretFindings(entries, { now: NOW, maxAgeDays, metaFile: META });

describe('staleSecretFindings', () => {
  test('exactly the limit is not stale; one day more is', () => {
    expect(run([entry({ created: daysAgo(90) })])).toEqual([]);
    // 90 days and 23 hours is still 90 whole days.
    expect(run([entry({ created: daysAgo(90, 23 * 3600_000) })])).toEqual([]);
    const [f] = run([entry({ created: daysAgo(91) })]);
    expect(f?.rule).toBe('stale-secret');
    expect(f?.severity).toBe('low');
    expect(f?.fix).toBe(RULES['stale-secret'].fix);
  });

  test('the message names the item, its age, the limit and the command, saying "stored" when it was never rotated', () => {
    const [f] = run([entry({ created: daysAgo(123) })]);
    expect(f?.message).toBe('keychain item mcp-harden/GITHUB_TOKEN was last stored 123 days ago (limit 90): run `mcp-harden rotate GITHUB_TOKEN`');
  });

  test('the rotation date wins over the creation date', () => {
    // Created long ago, rotated recently: fine.
    expect(run([entry({ created: daysAgo(400), rotated: daysAgo(10) })])).toEqual([]);
    // Created recently is impossible after an old rotation, but the rotation is what counts.
    const [f] = run([entry({ created: daysAgo(400), rotated: daysAgo(200) })]);
    expect(f?.message).toBe('keychain item mcp-harden/GITHUB_TOKEN was last rotated 200 days ago (limit 90): run `mcp-harden rotate GITHUB_TOKEN`');
  });

  test('another limit changes both the decision and the message', () => {
    expect(run([entry({ created: daysAgo(20) })], 30)).toEqual([]);
    expect(run([entry({ created: daysAgo(31) })], 30)[0]?.message).toContain('31 days ago (limit 30)');
    expect(run([entry({ created: daysAgo(100) })], 365)).toEqual([]);
  });

  test('an entry with no readable date gives no finding', () => {
    expect(run([entry({}), entry({ created: 'yesterday' }), entry({ created: daysAgo(500), rotated: 'not a date' })])).toEqual([]);
  });

  test('the finding points at the first recorded reference with its client and server, else at secrets.json line 1', () => {
    const refs = [
      { file: '/home/ana/.cursor/mcp.json', client: 'cursor' as const, server: 'github' },
      { file: '/home/ana/p/.env' },
    ];
    const [withRef] = staleSecretFindings([entry({ created: daysAgo(100), references: refs })], {
      now: NOW,
      maxAgeDays: 90,
      metaFile: META,
      lineOf: (r) => (r.server === 'github' ? 7 : undefined),
    });
    expect(withRef).toMatchObject({ file: '/home/ana/.cursor/mcp.json', client: 'cursor', server: 'github', line: 7 });
    const [noLine] = run([entry({ created: daysAgo(100), references: refs })]);
    expect(noLine).toMatchObject({ file: '/home/ana/.cursor/mcp.json', line: 1 });
    const [noRef] = run([entry({ created: daysAgo(100) })]);
    expect(noRef).toMatchObject({ file: META, line: 1 });
    expect(noRef?.client).toBeUndefined();
    expect(noRef?.server).toBeUndefined();
  });

  test('one finding per stale entry; an account that is not a plain word is quoted in the command', () => {
    const out = run([
      entry({ account: 'A', created: daysAgo(100) }),
      entry({ account: 'B', created: daysAgo(5) }),
      entry({ account: "it's mine", created: daysAgo(100) }),
    ]);
    expect(out.map((f) => f.message.split(' was')[0])).toEqual(['keychain item mcp-harden/A', "keychain item mcp-harden/it's mine"]);
    expect(out[1]?.message).toContain("run `mcp-harden rotate 'it'\\''s mine'`");
  });
});

describe('ageInDays', () => {
  test('whole days, and undefined for a missing or bad date', () => {
    expect(ageInDays(daysAgo(3, 1000), NOW)).toBe(3);
    expect(ageInDays(undefined, NOW)).toBeUndefined();
    expect(ageInDays('', NOW)).toBeUndefined();
    expect(ageInDays('2026-13-45', NOW)).toBeUndefined();
  });
});

describe('parseSecretsMeta', () => {
  test('reads the entries the secrets command writes, keeping only the fields the rule needs', () => {
    const text = JSON.stringify({
      version: 1,
      secrets: [
        {
          service: 'mcp-harden',
          account: 'GITHUB_TOKEN',
          provider: 'github',
          kind: 'pat-classic',
          created: '2026-01-01T00:00:00.000Z',
          references: [{ file: '/h/.cursor/mcp.json', path: ['mcpServers', 'github', 'env', 'GITHUB_TOKEN'], client: 'cursor', server: 'github' }],
        },
        { account: 'no service' },
        { service: 'mcp-harden', account: 'X', created: '2026-02-01T00:00:00.000Z', references: [{ key: 'no file' }, { file: '/h/.env', client: 'emacs' }] },
      ],
    });
    expect(parseSecretsMeta(text)).toEqual({
      entries: [
        { service: 'mcp-harden', account: 'GITHUB_TOKEN', created: '2026-01-01T00:00:00.000Z', references: [{ file: '/h/.cursor/mcp.json', client: 'cursor', server: 'github' }] },
        { service: 'mcp-harden', account: 'X', created: '2026-02-01T00:00:00.000Z', references: [{ file: '/h/.env' }] },
      ],
    });
  });

  test('a damaged or foreign file is an error message, not a throw', () => {
    expect(parseSecretsMeta('{ nope')).toEqual({ error: 'is not valid JSON' });
    expect(parseSecretsMeta('[]')).toEqual({ error: 'is not a secrets metadata file' });
    expect(parseSecretsMeta('null')).toEqual({ error: 'is not a secrets metadata file' });
    expect(parseSecretsMeta('{"version":2,"secrets":[]}')).toEqual({ error: 'was written by a newer version (format 2)' });
  });
});
