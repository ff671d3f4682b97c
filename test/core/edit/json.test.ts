// JSON and JSONC edits change only the replaced value's bytes; additions follow the file's layout.
import { describe, expect, it } from 'vitest';
import { EditError, editConfig } from '../../../src/core/edit/index.js';
import { fakeToken } from '../../helpers/tokens.js';

const TOKEN = fakeToken('github-classic', 'edit-json');
const REF = 'keychain:mcp-harden/GITHUB_TOKEN';
const PATH = ['mcpServers', 'github', 'env', 'GITHUB_TOKEN'];

describe('editConfig json: replacing a string', () => {
  it('keeps comments, trailing commas, tabs, key order and the rest of the line', () => {
    const before = [
      '{',
      '\t// servers for this project',
      '\t"mcpServers": {',
      '\t\t"github": {',
      '\t\t\t"command": "npx", /* why npx */',
      '\t\t\t"env": { "GITHUB_TOKEN": "' + TOKEN + '",   // rotate monthly',
      '\t\t\t\t"OTHER": "x", },',
      '\t\t},',
      '\t},',
      '}',
      '',
    ].join('\n');
    const after = editConfig('json', before, [{ op: 'set-string', path: PATH, value: REF }]);
    expect(after).toBe(before.replace(`"${TOKEN}"`, `"${REF}"`));
  });

  it('keeps CRLF, a BOM and a missing final newline', () => {
    const before = '\uFEFF{\r\n    "mcpServers": {\r\n        "github": {"env": {"GITHUB_TOKEN": "' + TOKEN + '"}}\r\n    }\r\n}';
    const after = editConfig('json', before, [{ op: 'set-string', path: PATH, value: REF }]);
    expect(after).toBe(before.replace(TOKEN, REF));
    expect(after.startsWith('\uFEFF{\r\n')).toBe(true);
    expect(after.endsWith('}')).toBe(true);
  });

  it('writes quotes, backslashes and control characters escaped and other text as is', () => {
    const before = '{"a": {"b": "old"}, "c": "ü→"}\n';
    const value = 'say "hi" \\ 日本\n\t\u0001';
    const after = editConfig('json', before, [{ op: 'set-string', path: ['a', 'b'], value }]);
    expect(after).toBe('{"a": {"b": "say \\"hi\\" \\\\ 日本\\n\\t\\u0001"}, "c": "ü→"}\n');
    expect(JSON.parse(after).a.b).toBe(value);
  });

  it('replaces an argument inside an array, leaving the other items alone', () => {
    const before = '{\n  "x": {\n    "args": ["-y", "--api-key=' + TOKEN + '", "pkg"]\n  }\n}\n';
    const value = '--api-key={{keychain:mcp-harden/API_KEY}}';
    const after = editConfig('json', before, [{ op: 'set-string', path: ['x', 'args', 1], value }]);
    expect(after).toBe(before.replace(`--api-key=${TOKEN}`, value));
  });
});

describe('editConfig json: adding keys and arrays', () => {
  it('adds a key to a multi-line object with the file indentation (4 spaces) and CRLF', () => {
    const before = '{\r\n    "s": {\r\n        "command": "npx"\r\n    }\r\n}\r\n';
    const after = editConfig('json', before, [{ op: 'set-string', path: ['s', 'cwd'], value: '/tmp' }]);
    expect(after).toBe('{\r\n    "s": {\r\n        "command": "npx",\r\n        "cwd": "/tmp"\r\n    }\r\n}\r\n');
  });

  it('adds a key with tabs when the file is indented with tabs', () => {
    const before = '{\n\t"s": {\n\t\t"command": "npx"\n\t}\n}\n';
    const after = editConfig('json', before, [{ op: 'set-string', path: ['s', 'cwd'], value: '/tmp' }]);
    expect(after).toBe('{\n\t"s": {\n\t\t"command": "npx",\n\t\t"cwd": "/tmp"\n\t}\n}\n');
  });

  it('adds a key to a one-line object on that line', () => {
    const before = '{\n  "env": {"A":"1"}\n}\n';
    const after = editConfig('json', before, [{ op: 'set-string', path: ['env', 'B'], value: '2' }]);
    expect(after).toBe('{\n  "env": {"A":"1", "B":"2"}\n}\n');
    const empty = editConfig('json', '{"env": {}}', [{ op: 'set-string', path: ['env', 'B'], value: '2' }]);
    expect(empty).toBe('{"env": {"B": "2"}}');
  });

  it('replaces a one-line args array on its line, the launcher way', () => {
    const before = '{\n  "s": {\n    "command": "npx",\n    "args": ["-y", "pkg"] // pinned later\n  }\n}\n';
    const after = editConfig('json', before, [
      { op: 'set-string', path: ['s', 'command'], value: 'mcp-harden' },
      { op: 'set-string-array', path: ['s', 'args'], value: ['run', '--', 'npx', '-y', 'pkg'] },
    ]);
    expect(after).toBe(
      '{\n  "s": {\n    "command": "mcp-harden",\n    "args": ["run", "--", "npx", "-y", "pkg"] // pinned later\n  }\n}\n',
    );
  });

  it('keeps a multi-line args array one item a line', () => {
    const before = '{\n  "s": {\n    "args": [\n      "-y",\n      "pkg"\n    ],\n    "env": {}\n  }\n}\n';
    const after = editConfig('json', before, [{ op: 'set-string-array', path: ['s', 'args'], value: ['a', 'b', 'c'] }]);
    expect(after).toBe('{\n  "s": {\n    "args": [\n      "a",\n      "b",\n      "c"\n    ],\n    "env": {}\n  }\n}\n');
  });

  it('adds to a list item by item: comments inside it and its layout stay', () => {
    const before = [
      '{',
      '  "s": {',
      '    "excludeTools": [',
      '      // writes to the tracker',
      '      "create_issue", // keep: see #12',
      '      "delete_repo"',
      '    ]',
      '  }',
      '}',
      '',
    ].join('\n');
    const after = editConfig('json', before, [{ op: 'set-string-array', path: ['s', 'excludeTools'], value: ['create_issue', 'delete_repo', 'push_files', 'merge_pull_request'] }]);
    expect(after).toBe(
      before.replace('      "delete_repo"\n', '      "delete_repo",\n      "push_files",\n      "merge_pull_request"\n'),
    );
    // On one line, after the last item, separated like the others; a comment after the list stays.
    const inline = '{"s": {"autoApprove": ["read_file",  /* safe */ "list_dir"] } } // team list\n';
    expect(editConfig('json', inline, [{ op: 'set-string-array', path: ['s', 'autoApprove'], value: ['read_file', 'list_dir', 'search'] }])).toBe(
      '{"s": {"autoApprove": ["read_file",  /* safe */ "list_dir", "search"] } } // team list\n',
    );
  });

  it('removes from a list item by item: the removed items\' lines go, comment lines stay, and no comma is left dangling', () => {
    const before = [
      '{',
      '  "s": {',
      '    "args": [',
      '      "-y", // npx asks otherwise',
      '      "--verbose",',
      '      // the package',
      '      "pkg",',
      '      "/"',
      '    ]',
      '  }',
      '}',
      '',
    ].join('\n');
    const after = editConfig('json', before, [{ op: 'set-string-array', path: ['s', 'args'], value: ['-y', 'pkg'] }]);
    expect(after).toBe(['{', '  "s": {', '    "args": [', '      "-y", // npx asks otherwise', '      // the package', '      "pkg"', '    ]', '  }', '}', ''].join('\n'));
    // On one line: the item and its separator go.
    const inline = '{"args": ["-y", "--verbose", "pkg", "/"]}';
    expect(editConfig('json', inline, [{ op: 'set-string-array', path: ['args'], value: ['-y', 'pkg'] }])).toBe('{"args": ["-y", "pkg"]}');
    expect(editConfig('json', inline, [{ op: 'set-string-array', path: ['args'], value: ['pkg', '/', '--x'] }])).toBe('{"args": ["pkg", "/", "--x"]}');
  });

  it('puts the launcher in front of a multi-line args list, and a reference in place of a secret, keeping its comments', () => {
    const before = [
      '{',
      '  "s": {',
      '    "command": "npx",',
      '    "args": [',
      '      "-y", // install without asking',
      `      "--token=${TOKEN}", // from the wiki`,
      '      "pkg"',
      '    ]',
      '  }',
      '}',
      '',
    ].join('\n');
    const after = editConfig('json', before, [
      { op: 'set-string', path: ['s', 'command'], value: 'mcp-harden-launch' },
      { op: 'set-string-array', path: ['s', 'args'], value: ['npx', '-y', `--token={{${REF}}}`, 'pkg'] },
    ]);
    expect(after).toBe(
      before
        .replace('"command": "npx"', '"command": "mcp-harden-launch"')
        .replace('      "-y",', '      "npx",\n      "-y",')
        .replace(`"--token=${TOKEN}"`, `"--token={{${REF}}}"`),
    );
  });

  it('adds a missing args array', () => {
    const before = '{\n  "s": {\n    "command": "tool"\n  }\n}\n';
    const after = editConfig('json', before, [{ op: 'set-string-array', path: ['s', 'args'], value: ['x'] }]);
    expect(after).toBe('{\n  "s": {\n    "command": "tool",\n    "args": [\n      "x"\n    ]\n  }\n}\n');
  });

  it('keeps a comment at the end of the last member with that member, and a JSONC trailing comma', () => {
    const commented = '{\n  "env": {\n    "A": "1" // first\n  }\n}\n';
    expect(editConfig('json', commented, [{ op: 'set-string', path: ['env', 'B'], value: '2' }])).toBe(
      '{\n  "env": {\n    "A": "1", // first\n    "B": "2"\n  }\n}\n',
    );
    const trailing = '{\n  "env": {\n    "A": "1", // first\n  },\n}\n';
    expect(editConfig('json', trailing, [{ op: 'set-string', path: ['env', 'B'], value: '2' }])).toBe(
      '{\n  "env": {\n    "A": "1", // first\n    "B": "2",\n  },\n}\n',
    );
  });
});

describe('editConfig json: deleting and refusing', () => {
  it('deletes a key and leaves its neighbours; a missing key is no change', () => {
    const before = '{\n  "env": {\n    "A": "1",\n    "B": "2"\n  }\n}\n';
    expect(editConfig('json', before, [{ op: 'delete', path: ['env', 'A'] }])).toBe('{\n  "env": {\n    "B": "2"\n  }\n}\n');
    expect(editConfig('json', before, [{ op: 'delete', path: ['env', 'Z'] }])).toBe(before);
    expect(editConfig('json', '{"env": {"A": "1", "B": "2"}}', [{ op: 'delete', path: ['env', 'B'] }])).toBe('{"env": {"A": "1"}}');
  });

  it('creates the env object of a server that has none', () => {
    const before = '{\n  "servers": {\n    "s": {\n      "command": "npx"\n    }\n  }\n}\n';
    const after = editConfig('json', before, [{ op: 'set-string', path: ['servers', 's', 'env', 'K'], value: 'keychain:mcp-harden/K' }]);
    expect(JSON.parse(after)).toEqual({ servers: { s: { command: 'npx', env: { K: 'keychain:mcp-harden/K' } } } });
    expect(after).toBe('{\n  "servers": {\n    "s": {\n      "command": "npx",\n      "env": {\n        "K": "keychain:mcp-harden/K"\n      }\n    }\n  }\n}\n');
    // A server written on one line stays on it, and a comment after its last member stays there.
    const oneLine = '{\n  "servers": {\n    "s": {"command": "npx", "envFile": ".env"} // from the wiki\n  }\n}\n';
    expect(editConfig('json', oneLine, [{ op: 'set-string', path: ['servers', 's', 'env', 'K'], value: 'v' }])).toBe(
      '{\n  "servers": {\n    "s": {"command": "npx", "envFile": ".env", "env": {"K": "v"}} // from the wiki\n  }\n}\n',
    );
    const commented = '{\n  "s": {\n    "command": "npx" // pinned below\n  }\n}\n';
    expect(editConfig('json', commented, [{ op: 'set-string', path: ['s', 'env', 'K'], value: 'v' }])).toBe(
      '{\n  "s": {\n    "command": "npx", // pinned below\n    "env": {\n      "K": "v"\n    }\n  }\n}\n',
    );
  });

  it('refuses a missing parent, a non-string target, a non-array target and a broken file, without the value in the message', () => {
    const before = '{"s": {"port": 3000, "args": "x", "env": {}}}';
    const cases: [string, Parameters<typeof editConfig>[2]][] = [
      [before, [{ op: 'set-string', path: ['t', 'env', 'A'], value: TOKEN }]],
      [before, [{ op: 'set-string', path: ['s', 'port'], value: TOKEN }]],
      [before, [{ op: 'set-string-array', path: ['s', 'args'], value: [TOKEN] }]],
      [before, [{ op: 'set-string', path: ['s', 'env', 'A', 'B'], value: TOKEN }]],
      ['{"s": ', [{ op: 'set-string', path: ['s'], value: TOKEN }]],
    ];
    for (const [text, changes] of cases) {
      let err: unknown;
      try {
        editConfig('json', text, changes);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EditError);
      expect((err as Error).message).not.toContain(TOKEN);
    }
  });
});
