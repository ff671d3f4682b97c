import { describe, expect, test } from 'vitest';
import type { Finding } from '../../src/core/model.js';
import { applyIgnores, baselineKeys, findingKey, readIgnoreList } from '../../src/core/suppress.js';

const ws = '/work/project';

function finding(over: Partial<Finding> = {}): Finding {
  return { rule: 'plaintext-secret', severity: 'high', message: 'm', file: `${ws}/.mcp.json`, line: 4, server: 'github', ...over };
}

describe('ignore list', () => {
  test('an entry matching rule, path glob and server suppresses, with its reason', () => {
    const entries = readIgnoreList({ ignore: [{ rule: 'unpinned-package', path: '**/.mcp.json', server: 'github', reason: 'vendored' }] });
    const fs = [finding({ rule: 'unpinned-package' }), finding({ rule: 'unpinned-package', server: 'other' }), finding()];
    applyIgnores(fs, entries, ws);
    expect(fs.map((f) => f.suppressed?.reason)).toEqual(['vendored', undefined, undefined]);
  });

  test('a fingerprint entry suppresses only that secret', () => {
    const entries = readIgnoreList({ ignore: [{ fingerprint: 'aaaaaaaaaaaa', reason: 'test key' }] });
    const fs = [
      finding({ secret: { provider: 'stripe', kind: 'test-key', fingerprint: 'aaaaaaaaaaaa', masked: 'sk_test_…(32)' } }),
      finding({ secret: { provider: 'stripe', kind: 'test-key', fingerprint: 'bbbbbbbbbbbb', masked: 'sk_test_…(32)' } }),
    ];
    applyIgnores(fs, entries, ws);
    expect(fs.map((f) => Boolean(f.suppressed))).toEqual([true, false]);
  });

  test.each([
    [{ ignore: 'x' }, '"ignore" must be a list'],
    [{ ignore: [{ rule: 'plaintext-secret' }] }, 'ignore[0] needs a "reason"'],
    [{ ignore: [{ rule: 'no-such-rule', reason: 'r' }] }, 'is not a rule id'],
    [{ ignore: [{ reason: 'r' }] }, 'at least one of'],
  ])('a malformed policy %j is refused with a clear message', (policy, message) => {
    expect(() => readIgnoreList(policy)).toThrow(message);
  });
});

describe('baseline', () => {
  test('findings are matched across workspaces by relative path, and secrets by fingerprint not line', () => {
    const secret = { provider: 'github', kind: 'classic-pat', fingerprint: '0123456789ab', masked: 'ghp_…(40)' };
    const old = { workspace: '/ci/checkout', findings: [{ ...finding({ secret }), file: '/ci/checkout/.mcp.json', line: 9 }] };
    const keys = baselineKeys(old);
    expect(keys.has(findingKey(finding({ secret, line: 4 }), ws))).toBe(true);
    expect(keys.has(findingKey(finding({ secret: { ...secret, fingerprint: 'ffffffffffff' } }), ws))).toBe(false);
  });

  test('a file that is not a report is refused', () => {
    expect(() => baselineKeys({ hello: 1 })).toThrow('not an mcp-harden JSON report');
  });
});
