// .env, shell history and .gitignore edits: only the named lines or values change.
import { describe, expect, it } from 'vitest';
import { EditError, appendGitignore, applyEdits, editDotenv, removeLines } from '../../../src/core/edit/index.js';
import { parseDotenv } from '../../../src/core/secrets/dotenv.js';
import { fakeToken } from '../../helpers/tokens.js';

const TOKEN = fakeToken('github-classic', 'edit-lines');
const STRIPE = fakeToken('stripe-test', 'edit-lines');
const REF = 'keychain:mcp-harden/GITHUB_TOKEN';

describe('editDotenv', () => {
  const ENV = [
    '# tokens for local work',
    `export GITHUB_TOKEN="${TOKEN}" # rotate`,
    '',
    `STRIPE_KEY=${STRIPE}`,
    "NAME='kept'",
    '',
  ].join('\r\n');

  it('replaces a value in its own quoting style and keeps `export`, comments and CRLF', () => {
    const after = editDotenv(ENV, [
      { key: 'GITHUB_TOKEN', value: REF },
      { key: 'STRIPE_KEY', value: 'keychain:mcp-harden/STRIPE_KEY' },
      { key: 'NAME', value: 'new' },
    ]);
    expect(after).toBe(
      [
        '# tokens for local work',
        `export GITHUB_TOKEN="${REF}" # rotate`,
        '',
        'STRIPE_KEY=keychain:mcp-harden/STRIPE_KEY',
        "NAME='new'",
        '',
      ].join('\r\n'),
    );
  });

  it('quotes a new value when its line style cannot hold it', () => {
    expect(editDotenv('A=old\n', [{ key: 'A', value: 'has # hash' }])).toBe('A="has # hash"\n');
    expect(editDotenv("A='old'\n", [{ key: 'A', value: "it's" }])).toBe('A="it\'s"\n');
    expect(editDotenv('A="old"\n', [{ key: 'A', value: 'two\nlines' }])).toBe('A="two\\nlines"\n');
    expect(parseDotenv(editDotenv('A="old"\n', [{ key: 'A', value: 'say "x"' }]))[0]?.value).toBe('say "x"');
  });

  it('removes only the key line (a multi-line value with it) and keeps a missing final newline', () => {
    expect(editDotenv(ENV, [{ key: 'GITHUB_TOKEN', value: null }])).toBe(
      ['# tokens for local work', '', `STRIPE_KEY=${STRIPE}`, "NAME='kept'", ''].join('\r\n'),
    );
    const pem = 'A=1\nKEY="-----BEGIN X-----\nabc\n-----END X-----"\nB=2';
    expect(editDotenv(pem, [{ key: 'KEY', value: null }])).toBe('A=1\nB=2');
    expect(editDotenv('A=1\nB=2', [{ key: 'B', value: null }])).toBe('A=1');
    expect(editDotenv('A=1\n', [{ key: 'Z', value: null }])).toBe('A=1\n');
  });

  it('changes every assignment of a repeated key, and appends a missing one', () => {
    expect(editDotenv(`K=${TOKEN}\nX=1\nK=${TOKEN}\n`, [{ key: 'K', value: 'r' }])).toBe('K=r\nX=1\nK=r\n');
    expect(editDotenv('\uFEFFA=1', [{ key: 'B', value: 'x y' }])).toBe('\uFEFFA=1\nB="x y"\n');
    expect(editDotenv('K= # note\n', [{ key: 'K', value: 'v' }])).toBe('K= v # note\n');
  });
});

describe('removeLines', () => {
  it('removes the named lines and keeps the others byte for byte', () => {
    const history = `ls\r\nexport GITHUB_TOKEN=${TOKEN}\r\ncd x\r\nclaude mcp add gh -e GITHUB_TOKEN=${TOKEN}\r\n`;
    expect(removeLines(history, [2, 4])).toBe('ls\r\ncd x\r\n');
    expect(removeLines('a\nb', [2])).toBe('a');
    expect(removeLines('a\nb\n', [])).toBe('a\nb\n');
  });

  it('refuses a line number the file does not have', () => {
    expect(() => removeLines('a\n', [2])).toThrow(EditError);
    expect(() => removeLines('a\n', [0])).toThrow(EditError);
  });
});

describe('appendGitignore', () => {
  it('adds missing entries with the file line ending and a final newline', () => {
    expect(appendGitignore('node_modules\r\n.env', ['.env', '.env.local'])).toBe('node_modules\r\n.env\r\n.env.local\r\n');
    expect(appendGitignore('', ['.env', '.env'])).toBe('.env\n');
    expect(appendGitignore('dist\n', ['dist'])).toBe('dist\n');
    expect(appendGitignore('# env\n.env\n', ['.cursor/mcp.json'])).toBe('# env\n.env\n.cursor/mcp.json\n');
  });
});

describe('applyEdits', () => {
  it('applies edits from the end and refuses overlapping ones', () => {
    expect(
      applyEdits('abcdef', [
        { offset: 0, length: 1, content: 'X' },
        { offset: 4, length: 2, content: '' },
        { offset: 2, length: 0, content: '-' },
      ]),
    ).toBe('Xb-cd');
    expect(() => applyEdits('abcdef', [{ offset: 0, length: 3, content: '' }, { offset: 2, length: 1, content: '' }])).toThrow(EditError);
  });
});
