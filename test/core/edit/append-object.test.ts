// append-object (JSON only): VS Code's `inputs` gets a new entry without other bytes changing.
import { describe, expect, it } from 'vitest';
import { EditError, editConfig } from '../../../src/core/edit/index.js';
import { expectedAfter } from '../../../src/core/edit/verify.js';

const INPUT = { type: 'promptString', id: 'k', password: true } as const;

describe('editConfig json: append-object', () => {
  it('creates a missing array in an existing object, laid out like the file', () => {
    const before = '{\n\t"servers": {}\n}\n';
    const after = editConfig('json', before, [{ op: 'append-object', path: ['inputs'], value: INPUT }]);
    expect(JSON.parse(after)).toEqual({ servers: {}, inputs: [INPUT] });
    expect(after).toContain('\t"inputs": [\n\t\t{\n\t\t\t"type": "promptString"');
  });

  it('appends after the last item of a multi-line array, keeping the items and comments before it', () => {
    const before = '{\r\n  "inputs": [\r\n    {"id": "a"}, // first\r\n    {"id": "b"}   /* second */\r\n  ]\r\n}';
    const after = editConfig('json', before, [{ op: 'append-object', path: ['inputs'], value: { id: 'c', password: true } }]);
    expect(after).toBe('{\r\n  "inputs": [\r\n    {"id": "a"}, // first\r\n    {"id": "b"},   /* second */\r\n    {\r\n      "id": "c",\r\n      "password": true\r\n    }\r\n  ]\r\n}');
  });

  it('appends to an empty or one-line array', () => {
    for (const before of ['{"inputs": []}', '{"inputs": [{"id": "a"}]}']) {
      const after = editConfig('json', before, [{ op: 'append-object', path: ['inputs'], value: INPUT }]);
      expect((JSON.parse(after) as { inputs: unknown[] }).inputs.at(-1)).toEqual(INPUT);
    }
  });

  it('refuses a path that is not an array, a missing parent, and other formats', () => {
    expect(() => editConfig('json', '{"inputs": {}}', [{ op: 'append-object', path: ['inputs'], value: INPUT }])).toThrow(EditError);
    expect(() => editConfig('json', '{}', [{ op: 'append-object', path: ['mcp', 'inputs'], value: INPUT }])).toThrow(EditError);
    expect(() => editConfig('toml', 'a = 1\n', [{ op: 'append-object', path: ['inputs'], value: INPUT }])).toThrow(EditError);
  });

  it('verification expects the new item at the end (or a new array)', () => {
    expect(expectedAfter({ inputs: [{ id: 'a' }] }, [{ op: 'append-object', path: ['inputs'], value: INPUT }])).toEqual({ inputs: [{ id: 'a' }, INPUT] });
    expect(expectedAfter({}, [{ op: 'append-object', path: ['inputs'], value: INPUT }])).toEqual({ inputs: [INPUT] });
  });
});
