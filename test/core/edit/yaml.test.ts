// YAML edits (Continue config): only the scalar or sequence bytes change; comments and layout stay.
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EditError, editConfig } from '../../../src/core/edit/index.js';
import { fakeToken } from '../../helpers/tokens.js';

const TOKEN = fakeToken('github-classic', 'edit-yaml');
const REF = 'keychain:mcp-harden/GITHUB_TOKEN';

const CONFIG = [
  'name: my assistant # top',
  'mcpServers:',
  '  # the GitHub server',
  '  - name: github',
  '    command: npx',
  '    args:',
  '      - -y # pinned below',
  '      - "@modelcontextprotocol/server-github"',
  '    env:',
  `      GITHUB_TOKEN: ${TOKEN} # rotate`,
  `      OTHER: 'x'`,
  '  - name: other',
  '    args: [a, "b"]',
  '    env: {A: "1"}',
  '',
].join('\n');

describe('editConfig yaml', () => {
  it('replaces a plain scalar and keeps its comment', () => {
    const after = editConfig('yaml', CONFIG, [{ op: 'set-string', path: ['mcpServers', 0, 'env', 'GITHUB_TOKEN'], value: REF }]);
    expect(after).toBe(CONFIG.replace(TOKEN, `"${REF}"`));
  });

  it('replaces quoted and block scalars, keeping CRLF', () => {
    const before = `a: 'x' # c\r\nb: |\r\n  ${TOKEN}\r\nc: 1\r\n`;
    const after = editConfig('yaml', before, [
      { op: 'set-string', path: ['a'], value: 'y"z\n' },
      { op: 'set-string', path: ['b'], value: REF },
    ]);
    expect(after).toBe(`a: "y\\"z\\n" # c\r\nb: "${REF}"\r\nc: 1\r\n`);
    expect(parseYaml(after)).toEqual({ a: 'y"z\n', b: REF, c: 1 });
  });

  it('edits a block sequence by its lines at the same indentation, and a flow sequence in place', () => {
    const after = editConfig('yaml', CONFIG, [
      { op: 'set-string', path: ['mcpServers', 0, 'command'], value: 'mcp-harden' },
      { op: 'set-string-array', path: ['mcpServers', 0, 'args'], value: ['run', '--', 'npx', '-y', 'pkg'] },
      { op: 'set-string-array', path: ['mcpServers', 1, 'args'], value: ['c'] },
    ]);
    const expected = CONFIG.replace('command: npx', 'command: "mcp-harden"')
      .replace(
        '      - -y # pinned below\n      - "@modelcontextprotocol/server-github"',
        '      - "run"\n      - "--"\n      - "npx"\n      - -y # pinned below\n      - "pkg"',
      )
      .replace('args: [a, "b"]', 'args: ["c"]');
    expect(after).toBe(expected);
  });

  it('removes and adds sequence items one by one: the other items keep their quoting and comments', () => {
    const before = [
      'mcpServers:',
      '  - name: fs',
      '    args:',
      '      - -y # npx asks otherwise',
      '      # the package',
      "      - '@modelcontextprotocol/server-filesystem'",
      '      - / # everything',
      '    env: {}',
      '',
    ].join('\n');
    const path = ['mcpServers', 0, 'args'];
    const narrowed = editConfig('yaml', before, [{ op: 'set-string-array', path, value: ['-y', '@modelcontextprotocol/server-filesystem', '/w'] }]);
    expect(narrowed).toBe(before.replace('      - / # everything\n', '      - "/w" # everything\n'));
    const shorter = editConfig('yaml', before, [{ op: 'set-string-array', path, value: ['@modelcontextprotocol/server-filesystem', '/'] }]);
    expect(shorter).toBe(before.replace('      - -y # npx asks otherwise\n', ''));
    const flow = 'args: [-y,  pkg] # pinned\n';
    expect(editConfig('yaml', flow, [{ op: 'set-string-array', path: ['args'], value: ['-y', 'pkg', '--read-only'] }])).toBe('args: [-y,  pkg,  "--read-only"] # pinned\n');
  });

  it('adds a key to a block map (under a `- ` item) and to a flow map', () => {
    const after = editConfig('yaml', CONFIG, [
      { op: 'set-string', path: ['mcpServers', 0, 'cwd'], value: '/w' },
      { op: 'set-string', path: ['mcpServers', 1, 'env', 'B'], value: '2' },
      { op: 'set-string', path: ['mcpServers', 0, 'env', 'NEW'], value: 'n' },
    ]);
    const expected = CONFIG.replace("      OTHER: 'x'\n", "      OTHER: 'x'\n      NEW: \"n\"\n    cwd: \"/w\"\n").replace(
      'env: {A: "1"}',
      'env: {A: "1", B: "2"}',
    );
    expect(after).toBe(expected);
  });

  it('replaces one argument of a block sequence', () => {
    const after = editConfig('yaml', CONFIG, [{ op: 'set-string', path: ['mcpServers', 0, 'args', 1], value: 'pkg@1.0.0' }]);
    expect(after).toBe(CONFIG.replace('"@modelcontextprotocol/server-github"', '"pkg@1.0.0"'));
  });

  it('deletes a key line and leaves the others', () => {
    const after = editConfig('yaml', CONFIG, [{ op: 'delete', path: ['mcpServers', 0, 'env', 'GITHUB_TOKEN'] }]);
    expect(after).toBe(CONFIG.replace(`      GITHUB_TOKEN: ${TOKEN} # rotate\n`, ''));
  });

  it('refuses a non-string target, a missing parent and an alias', () => {
    const withAlias = 'base: &b tok\nserver:\n  env:\n    K: *b\n';
    const bad = [
      () => editConfig('yaml', CONFIG, [{ op: 'set-string', path: ['mcpServers', 0, 'env'], value: TOKEN }]),
      () => editConfig('yaml', CONFIG, [{ op: 'set-string', path: ['mcpServers', 5, 'env', 'A'], value: TOKEN }]),
      () => editConfig('yaml', withAlias, [{ op: 'set-string', path: ['server', 'env', 'K'], value: TOKEN }]),
      () => editConfig('yaml', 'a: [\n', [{ op: 'set-string', path: ['a'], value: TOKEN }]),
    ];
    for (const run of bad) {
      expect(run).toThrow(EditError);
      try {
        run();
      } catch (e) {
        expect((e as Error).message).not.toContain(TOKEN);
      }
    }
  });
});
