// set-object: a whole object (a server definition) set into a JSON config without re-serialising it.
import { describe, expect, test } from 'vitest';
import { editConfig, EditError } from '../../src/core/edit/index.js';

const server = { command: 'mcp-harden-launch', args: ['npx', '-y', 'pkg@1.0.0'], env: { TOKEN: 'keychain:mcp-harden/TOKEN' } };

describe('set-object', () => {
  test('adds a member on its own line, indented like the file, keeping comments and tabs', () => {
    const text = '{\n\t// servers of this repo\n\t"mcpServers": {\n\t\t"a": { "command": "x" } // first\n\t}\n}\n';
    const after = editConfig('json', text, [{ op: 'set-object', path: ['mcpServers', 'b'], value: { command: 'y', args: ['1'] } }]);
    expect(after).toBe('{\n\t// servers of this repo\n\t"mcpServers": {\n\t\t"a": { "command": "x" }, // first\n\t\t"b": {\n\t\t\t"command": "y",\n\t\t\t"args": [\n\t\t\t\t"1"\n\t\t\t]\n\t\t}\n\t}\n}\n');
  });

  test('creates the missing container object', () => {
    const after = editConfig('json', '{\n  "other": true\n}\n', [{ op: 'set-object', path: ['mcpServers', 'gh'], value: server }]);
    expect(after.startsWith('{\n  "other": true,\n  "mcpServers": {\n    "gh": {\n')).toBe(true);
    expect(JSON.parse(after)).toEqual({ other: true, mcpServers: { gh: server } });
  });

  test('fills an empty document object', () => {
    expect(JSON.parse(editConfig('json', '{}', [{ op: 'set-object', path: ['servers', 'gh'], value: server }]))).toEqual({ servers: { gh: server } });
  });

  test('is refused in TOML and where a parent is not an object', () => {
    expect(() => editConfig('toml', 'a = 1\n', [{ op: 'set-object', path: ['mcp_servers', 'x'], value: {} }])).toThrow(EditError);
    expect(() => editConfig('json', '{ "mcpServers": [] }', [{ op: 'set-object', path: ['mcpServers', 'x'], value: {} }])).toThrow(EditError);
  });
});
