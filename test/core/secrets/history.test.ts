import { describe, expect, it } from 'vitest';
import { detectInHistory, scanShellHistory } from '../../../src/core/secrets/index.js';
import { fakeHex, fakeToken, randomString } from '../../helpers/tokens.js';

describe('scanShellHistory', () => {
  it('finds assignments, flag values and header values with their columns', () => {
    const line = 'claude mcp add github -e GITHUB_PERSONAL_ACCESS_TOKEN=abc123 --api-key "k 1" --header "Authorization: Bearer zz9"';
    const found = scanShellHistory(line, 'bash');
    expect(found).toContainEqual({ line: 1, column: line.indexOf('abc123') + 1, value: 'abc123', key: 'GITHUB_PERSONAL_ACCESS_TOKEN' });
    expect(found).toContainEqual({ line: 1, column: line.indexOf('k 1') + 1, value: 'k 1', previousArg: '--api-key' });
    expect(found).toContainEqual({ line: 1, column: line.indexOf('Bearer') + 1, value: 'Bearer zz9', key: 'Authorization' });
  });

  it('reads zsh extended history and skips bash timestamps', () => {
    expect(scanShellHistory(': 1700000000:0;export TOKEN=abc', 'zsh')).toEqual([
      { line: 1, column: 29, value: 'abc', key: 'TOKEN' },
    ]);
    expect(scanShellHistory('#1700000000\nTOKEN=abc cmd', 'bash')).toEqual([{ line: 2, column: 7, value: 'abc', key: 'TOKEN' }]);
  });

  it('reads fish history entries and set -x', () => {
    const text = '- cmd: set -gx BRAVE_API_KEY abc\n  when: 1700000000\n- cmd: echo ok';
    expect(scanShellHistory(text, 'fish')).toEqual([{ line: 1, column: 30, value: 'abc', key: 'BRAVE_API_KEY' }]);
  });
});

describe('detectInHistory', () => {
  it('reports secrets from export, prefix assignments, -e flags, headers and add-json', () => {
    const gh = fakeToken('github-classic', 'hist');
    const brave = randomString('brave', 31);
    const bearer = fakeHex('bearer', 40);
    const pw = 'Mz8!qv27';
    const text = [
      `export GITHUB_TOKEN=${gh}`,
      `BRAVE_API_KEY=${brave} npx -y @brave/brave-search-mcp-server`,
      `curl -s --header "Authorization: Bearer ${bearer}" https://api.example.net`,
      `claude mcp add-json db '{"command":"npx","env":{"DB_PASSWORD":"${pw}","LOG":"1"}}'`,
      'export GITHUB_TOKEN=${GITHUB_TOKEN}',
      'ls -la',
    ].join('\n');
    const found = detectInHistory(text, 'bash');
    expect(found.map((f) => [f.line, f.detection.value])).toEqual([
      [1, gh],
      [2, brave],
      [3, bearer],
      [4, pw],
    ]);
    const lines = text.split('\n');
    for (const f of found) {
      const line = lines[f.line - 1]!;
      expect(line.slice(f.column - 1, f.column - 1 + f.detection.value.length)).toBe(f.detection.value);
    }
  });

  it('finds a token in zsh history at the right column', () => {
    const tok = fakeToken('slack-bot', 'z');
    const [f] = detectInHistory(`: 1700000000:0;SLACK_BOT_TOKEN="${tok}" node server.js`, 'zsh');
    expect(f!.detection.provider).toBe('slack');
    expect(f!.column).toBe(': 1700000000:0;SLACK_BOT_TOKEN="'.length + 1);
  });
});
