// `--plain` for the guided flows: the real inquirer prompts over a pair of in-memory streams, fed
// the bytes a terminal would send.
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { plainPrompter, PROGRESS_EVERY_MS } from '../../src/cli/plain-prompter.js';
import { FlowCancelled } from '../../src/wizard/prompter.js';
import { fakeToken } from '../helpers/tokens.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function streams(now?: () => number) {
  const stdin = new PassThrough();
  // Marked as stdio like process.stdout: inquirer pipes each prompt's output into it and ends
  // the pipe after the prompt, which ends any other stream (stdio is never ended).
  const stdout = Object.assign(new PassThrough(), { _isStdio: true });
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const p = plainPrompter({ stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream }, now ? { now } : {});
  return {
    p,
    /** Everything written so far, escape codes included. */
    raw: () => out,
    text: () => stripVTControlCharacters(out),
    async until(what: string, timeoutMs = 3000) {
      const end = Date.now() + timeoutMs;
      while (!stripVTControlCharacters(out).includes(what)) {
        if (Date.now() > end) throw new Error(`not shown: ${what}\n${stripVTControlCharacters(out)}`);
        await sleep(5);
      }
    },
    async send(...keys: string[]) {
      for (const k of keys) {
        stdin.write(k);
        await sleep(20);
      }
    },
  };
}

describe('plain prompter', () => {
  it('prints said lines plainly, with tones as words or symbols and no escape codes', () => {
    const s = streams();
    s.p.say('Rotate a leaked token', 'title');
    s.p.say('Found in 2 files.', 'ok');
    s.p.say('The old token works until revoked.', 'warn');
    s.p.say('GitHub did not answer.', 'error');
    s.p.say('two\nlines', 'muted');
    expect(s.raw()).toBe(
      '\nRotate a leaked token\n✓ Found in 2 files.\nWarning: The old token works until revoked.\nError: GitHub did not answer.\ntwo\nlines\n',
    );
  });

  it('select: Enter picks the first choice, marked recommended; ↓ moves', async () => {
    const s = streams();
    const choices = [
      { name: 'GITHUB_TOKEN', value: 'gh', hint: 'used by 3 servers' },
      { name: 'SLACK_BOT_TOKEN', value: 'slack' },
    ];
    const first = s.p.select({ message: 'Which token leaked?', choices });
    await s.until('GITHUB_TOKEN (recommended)');
    await s.send('\r');
    await expect(first).resolves.toBe('gh');
    const second = s.p.select({ message: 'Which one now?', choices });
    await s.until('Which one now?');
    await s.send('\x1b[B', '\r');
    await expect(second).resolves.toBe('slack');
  });

  it('secret: the value is never echoed, not even as a mask; a refused value says why and asks again', async () => {
    const token = fakeToken('github-classic', 'plain-prompter-test');
    const s = streams();
    const seen: number[] = [];
    const answer = s.p.secret({
      message: 'Paste the new token',
      validate: (v) => {
        seen.push(v.length);
        return v.startsWith('ghp_') ? true : 'That is not a GitHub token.';
      },
    });
    await s.until('[input is masked]');
    await s.send('nope', '\r');
    await s.until('That is not a GitHub token.');
    // inquirer puts the refused value back for editing: clear it first.
    await s.send('\x7f'.repeat(4), token, '\r');
    expect((await answer) === token).toBe(true);
    expect(seen).toEqual([4, token.length]);
    const out = s.raw();
    expect(out.includes(token)).toBe(false);
    expect(out.includes(token.slice(4, 16))).toBe(false);
    expect(out.includes('nope')).toBe(false);
    expect(out.includes('*'.repeat(4))).toBe(false);
  });

  it('secret: Ctrl+T does not reveal the value', async () => {
    const token = fakeToken('github-classic', 'plain-prompter-toggle');
    const s = streams();
    const answer = s.p.secret({ message: 'Token' });
    await s.until('[input is masked]');
    await s.send(token, '\x14', '\r');
    expect((await answer) === token).toBe(true);
    expect(s.raw().includes(token.slice(4, 16))).toBe(false);
  });

  it('confirm: Enter gives the default, y answers yes', async () => {
    const s = streams();
    const a = s.p.confirm({ message: 'Revoke the old token?', default: false });
    await s.until('Revoke the old token?');
    await s.send('\r');
    await expect(a).resolves.toBe(false);
    const b = s.p.confirm({ message: 'Restart Cursor?', default: false });
    await s.until('Restart Cursor?');
    await s.send('y', '\r');
    await expect(b).resolves.toBe(true);
  });

  it('Ctrl+C in a prompt rejects with FlowCancelled', async () => {
    const s = streams();
    const a = s.p.confirm({ message: 'Go on?', default: true }).catch((e: unknown) => e);
    await s.until('Go on?');
    await s.send('\x03');
    expect(await a).toBeInstanceOf(FlowCancelled);
  });

  it('task: the label, progress lines at most every 2 seconds, then a final line', async () => {
    let clock = 0;
    const s = streams(() => clock);
    const result = await s.p.task('Searching git history', async (update) => {
      clock += 500;
      update('10 commits read'); // too soon after the label: skipped
      clock += PROGRESS_EVERY_MS;
      update('200 commits read');
      clock += 100;
      update('210 commits read'); // too soon: skipped
      clock += PROGRESS_EVERY_MS;
      update('400 commits read');
      return 3;
    });
    expect(result).toBe(3);
    expect(s.raw()).toBe('Searching git history…\n  200 commits read\n  400 commits read\n✓ Searching git history: done\n');
  });

  it('task: a failure prints a final line and reaches the flow', async () => {
    const s = streams();
    await expect(s.p.task('Revoking', async () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    expect(s.raw()).toBe('Revoking…\nError: Revoking: failed\n');
  });
});
