// The safety net behind every config edit: the new text must parse to the old data with exactly the
// intended changes.
import { describe, expect, it } from 'vitest';
import { EditError, editConfig } from '../../../src/core/edit/index.js';
import { verifyEdit } from '../../../src/core/edit/verify.js';

describe('verifyEdit', () => {
  const before = '{"env": {"A": "1", "B": "2"}, "n": 1}';
  const changes = [{ op: 'set-string' as const, path: ['env', 'A'], value: 'x' }];

  it('accepts the intended result, key order aside', () => {
    expect(() => verifyEdit('json', before, '{"n": 1, "env": {"B": "2", "A": "x"}}', changes)).not.toThrow();
  });

  it('refuses a result where something else changed, or the change is missing, or that does not parse', () => {
    expect(() => verifyEdit('json', before, '{"env": {"A": "x", "B": "3"}, "n": 1}', changes)).toThrow(EditError);
    expect(() => verifyEdit('json', before, before, changes)).toThrow(EditError);
    expect(() => verifyEdit('json', before, '{"env": {"A": "x"', changes)).toThrow(EditError);
    expect(() => verifyEdit('toml', 'a = 1979-05-27T07:32:00Z\nb = "1"\n', 'a = 1979-05-27T07:32:01Z\nb = "x"\n', [
      { op: 'set-string', path: ['b'], value: 'x' },
    ])).toThrow(EditError);
  });

  it('refuses a duplicated JSON key, where replacing one copy would leave the other', () => {
    const dup = '{"env": {"A": "old", "A": "old"}}';
    expect(() => editConfig('json', dup, [{ op: 'set-string', path: ['env', 'A'], value: 'new' }])).toThrow(EditError);
  });
});
