// TOML edits: found from positions, only the string token (or the array, or one line) changes.
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { EditError, editConfig } from '../../../src/core/edit/index.js';
import { fakeToken } from '../../helpers/tokens.js';

const TOKEN = fakeToken('github-classic', 'edit-toml');
const REF = 'keychain:mcp-harden/GITHUB_TOKEN';
const ENV = ['mcp_servers', 'github', 'env', 'GITHUB_TOKEN'];

const set = (path: (string | number)[], value: string) => ({ op: 'set-string' as const, path, value });

describe('editConfig toml: replacing a string in every table form', () => {
  const forms: [string, string][] = [
    ['an env sub-table', `# user config\n[mcp_servers.github]\ncommand = "npx" # runs it\n\n[mcp_servers.github.env]\nGITHUB_TOKEN = "${TOKEN}"   # note\nOTHER = 'x'\n`],
    ['an inline table', `[mcp_servers.github]\ncommand = "npx"\nenv = { GITHUB_TOKEN = "${TOKEN}", OTHER = "x" }\n`],
    ['a dotted key', `[mcp_servers.github]\ncommand = "npx"\nenv.GITHUB_TOKEN = "${TOKEN}"\nenv.OTHER = "x"\n`],
    ['a quoted dotted key', `[mcp_servers."github"]\nenv."GITHUB_TOKEN" = "${TOKEN}"\n`],
    ['a literal string', `[mcp_servers.github.env]\nGITHUB_TOKEN = '${TOKEN}'\n`],
    ['a multi-line basic string', `[mcp_servers.github.env]\nGITHUB_TOKEN = """\n${TOKEN}"""\nNEXT = 1\n`],
    ['a multi-line literal string', `[mcp_servers.github.env]\nGITHUB_TOKEN = '''${TOKEN}'''\nNEXT = 1\n`],
    ['top-level dotted keys', `mcp_servers.github.env.GITHUB_TOKEN = "${TOKEN}"\n`],
    ['a top-level inline server', `mcp_servers = { github = { env = { GITHUB_TOKEN = "${TOKEN}" } } }\n`],
  ];
  for (const [label, before] of forms) {
    it(`in ${label}`, () => {
      const after = editConfig('toml', before, [set(ENV, REF)]);
      const token = /("""\n|'''|"|')[^"'\n]*ghp_[^"'\n]*("""|'''|"|')/.exec(before)?.[0] ?? '';
      expect(token).not.toBe('');
      expect(after).toBe(before.replace(token, `"${REF}"`));
    });
  }

  it('keeps CRLF, a BOM and no final newline', () => {
    const before = `\uFEFF[mcp_servers.github.env]\r\nGITHUB_TOKEN = "${TOKEN}"`;
    expect(editConfig('toml', before, [set(ENV, REF)])).toBe(`\uFEFF[mcp_servers.github.env]\r\nGITHUB_TOKEN = "${REF}"`);
  });

  it('writes TOML escapes and leaves non-ASCII text as is', () => {
    const before = '[a]\nb = "old"\n';
    const value = 'q"b\\\n\t\u0001é';
    const after = editConfig('toml', before, [set(['a', 'b'], value)]);
    expect(after).toBe('[a]\nb = "q\\"b\\\\\\n\\t\\u0001é"\n');
    expect((parseToml(after) as { a: { b: string } }).a.b).toBe(value);
  });

  it('finds servers inside an array of tables', () => {
    const before = '[[profiles]]\nname = "a"\n[[profiles]]\nname = "b"\n[profiles.env]\nK = "v"\n';
    const after = editConfig('toml', before, [set(['profiles', 1, 'env', 'K'], 'w')]);
    expect(after).toBe(before.replace('K = "v"', 'K = "w"'));
  });
});

describe('editConfig toml: arrays and new keys', () => {
  it('replaces a one-line args array and keeps its comment', () => {
    const before = '[mcp_servers.x]\ncommand = "npx"\nargs = ["-y", "pkg"] # pinned\n';
    const after = editConfig('toml', before, [
      set(['mcp_servers', 'x', 'command'], 'mcp-harden'),
      { op: 'set-string-array', path: ['mcp_servers', 'x', 'args'], value: ['run', '--', 'npx', '-y', 'pkg'] },
    ]);
    expect(after).toBe('[mcp_servers.x]\ncommand = "mcp-harden"\nargs = ["run", "--", "npx", "-y", "pkg"] # pinned\n');
  });

  it('replaces one argument inside an array', () => {
    const before = `[mcp_servers.x]\nargs = ["-y", "--api-key=${TOKEN}", 'pkg'] # c\n`;
    const value = '--api-key={{keychain:mcp-harden/API_KEY}}';
    expect(editConfig('toml', before, [set(['mcp_servers', 'x', 'args', 1], value)])).toBe(before.replace(`"--api-key=${TOKEN}"`, `"${value}"`));
  });

  it('replaces the items of a multi-line array in place: one a line, their comments and its trailing comma kept', () => {
    const before = '[mcp_servers.x]\nargs = [\n    "-y", # first\n    "pkg",\n]\ncwd = "/w"\n';
    const after = editConfig('toml', before, [{ op: 'set-string-array', path: ['mcp_servers', 'x', 'args'], value: ['a', 'b'] }]);
    expect(after).toBe('[mcp_servers.x]\nargs = [\n    "a", # first\n    "b",\n]\ncwd = "/w"\n');
  });

  it('adds to and removes from a list item by item, keeping the comments inside it', () => {
    const before = [
      '[mcp_servers.github]',
      'disabled_tools = [',
      '  # writes',
      '  "create_issue", # see #12',
      "  'delete_repo',",
      '  "list_commits" # read-only, goes',
      ']',
      'command = "npx"',
      '',
    ].join('\n');
    const path = ['mcp_servers', 'github', 'disabled_tools'];
    expect(editConfig('toml', before, [{ op: 'set-string-array', path, value: ['create_issue', 'delete_repo', 'list_commits', 'push_files'] }])).toBe(
      before.replace('  "list_commits" # read-only, goes\n', '  "list_commits", # read-only, goes\n  "push_files"\n'),
    );
    expect(editConfig('toml', before, [{ op: 'set-string-array', path, value: ['create_issue', 'delete_repo'] }])).toBe(
      before.replace("  'delete_repo',\n", "  'delete_repo'\n").replace('  "list_commits" # read-only, goes\n', ''),
    );
    const inline = '[mcp_servers.x]\ndisabled_tools = ["a",  "b",  "c"] # team list\n';
    expect(editConfig('toml', inline, [{ op: 'set-string-array', path: ['mcp_servers', 'x', 'disabled_tools'], value: ['b', 'c', 'd'] }])).toBe(
      '[mcp_servers.x]\ndisabled_tools = ["b",  "c",  "d"] # team list\n',
    );
  });

  it('adds a key after the last key line of its table, not after the next table', () => {
    const before = '[mcp_servers.x]\ncommand = "tool"\n\n# the next server\n[mcp_servers.y]\ncommand = "other"\n';
    const after = editConfig('toml', before, [{ op: 'set-string-array', path: ['mcp_servers', 'x', 'args'], value: ['a'] }]);
    expect(after).toBe('[mcp_servers.x]\ncommand = "tool"\nargs = ["a"]\n\n# the next server\n[mcp_servers.y]\ncommand = "other"\n');
  });

  it('adds a key to an env sub-table, an inline table and dotted keys in their own style', () => {
    const sub = '[mcp_servers.x.env]\r\n  A = "1"\r\n';
    expect(editConfig('toml', sub, [set(['mcp_servers', 'x', 'env', 'B'], '2')])).toBe('[mcp_servers.x.env]\r\n  A = "1"\r\n  B = "2"\r\n');
    const inline = '[mcp_servers.x]\nenv = { A = "1" }\n';
    expect(editConfig('toml', inline, [set(['mcp_servers', 'x', 'env', 'B'], '2')])).toBe('[mcp_servers.x]\nenv = { A = "1", B = "2" }\n');
    const empty = '[mcp_servers.x]\nenv = {}\n';
    expect(editConfig('toml', empty, [set(['mcp_servers', 'x', 'env', 'B'], '2')])).toBe('[mcp_servers.x]\nenv = { B = "2" }\n');
    const dotted = '[mcp_servers.x]\nenv.A = "1"\ncommand = "npx"';
    expect(editConfig('toml', dotted, [set(['mcp_servers', 'x', 'env', 'MY KEY'], '2')])).toBe(
      '[mcp_servers.x]\nenv.A = "1"\nenv."MY KEY" = "2"\ncommand = "npx"',
    );
  });

  it('adds a key to an empty table right after its header, and at the end of a file without a final newline', () => {
    expect(editConfig('toml', '[mcp_servers.x]\n[other]\n', [set(['mcp_servers', 'x', 'command'], 'c')])).toBe(
      '[mcp_servers.x]\ncommand = "c"\n[other]\n',
    );
    expect(editConfig('toml', '[mcp_servers.x]\ncommand = "c"', [set(['mcp_servers', 'x', 'cwd'], '/w')])).toBe(
      '[mcp_servers.x]\ncommand = "c"\ncwd = "/w"',
    );
  });

  it('deletes a key line, or an inline member with its comma', () => {
    const before = '[mcp_servers.x.env]\nA = "1" # a\nB = "2"\n';
    expect(editConfig('toml', before, [{ op: 'delete', path: ['mcp_servers', 'x', 'env', 'A'] }])).toBe('[mcp_servers.x.env]\nB = "2"\n');
    const inline = 'env = { A = "1", B = "2" }\n';
    expect(editConfig('toml', inline, [{ op: 'delete', path: ['env', 'A'] }])).toBe('env = { B = "2" }\n');
    expect(editConfig('toml', inline, [{ op: 'delete', path: ['env', 'B'] }])).toBe('env = { A = "1" }\n');
  });

  it('refuses a missing table, a non-string target, and a broken file', () => {
    const before = '[mcp_servers.x]\nport = 3000\nargs = "x"\n';
    const bad = [
      () => editConfig('toml', before, [set(['mcp_servers', 'y', 'env', 'A'], TOKEN)]),
      () => editConfig('toml', before, [set(['mcp_servers', 'x', 'port'], TOKEN)]),
      () => editConfig('toml', before, [{ op: 'set-string-array', path: ['mcp_servers', 'x', 'args'], value: [TOKEN] }]),
      () => editConfig('toml', '[mcp_servers.x\n', [set(['mcp_servers', 'x', 'a'], TOKEN)]),
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
