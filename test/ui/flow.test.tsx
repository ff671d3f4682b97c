// The guided flows' Ink front end (src/ui/flow): the frames a user sees for each kind of question,
// driven through the same Prompter calls a flow makes.
import chalk from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowCancelled } from '../../src/wizard/prompter.js';
import { renderFlow, widest, type RenderedFlow } from '../helpers/render.js';
import { fakeToken } from '../helpers/tokens.js';

let mounted: RenderedFlow[] = [];
afterEach(() => {
  for (const r of mounted) r.unmount();
  mounted = [];
});
const mount = async (...args: Parameters<typeof renderFlow>) => {
  const r = await renderFlow(...args);
  mounted.push(r);
  return r;
};

const CHOICES = [
  { name: 'GITHUB_PERSONAL_ACCESS_TOKEN', value: 'gh', hint: 'used by 3 servers in 2 clients' },
  { name: 'SLACK_BOT_TOKEN', value: 'slack' },
  { name: 'LINEAR_API_KEY', value: 'linear' },
];

/** The choice line the cursor is on. */
const cursorLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('  › '));

describe('the flow app', () => {
  it('shows the title once, then what was said as a log, with symbols for tones', async () => {
    const r = await mount('Rotate a leaked token');
    r.prompter.say('Found in 2 files.', 'ok');
    r.prompter.say('The old token still works until you revoke it.', 'warn');
    r.prompter.say('Could not reach GitHub.', 'error');
    await r.waitFor((f) => f.includes('Could not reach'));
    const frame = r.lastFrame();
    expect(frame.split('\n')[0]).toBe('mcp-harden  Rotate a leaked token');
    expect(frame).toContain('✓ Found in 2 files.');
    expect(frame).toContain('! The old token still works');
    expect(frame).toContain('✗ Could not reach GitHub.');
    expect(frame.match(/Rotate a leaked token/g)).toHaveLength(1);
  });

  it('select: the first choice is recommended and under the cursor; j/k and arrows move; Enter answers', async () => {
    const r = await mount('Rotate');
    const answer = r.prompter.select({ message: 'Which token leaked?', choices: CHOICES });
    await r.waitFor((f) => f.includes('Which token leaked?'));
    expect(cursorLine(r.lastFrame())).toBe('  › GITHUB_PERSONAL_ACCESS_TOKEN (recommended)');
    expect(r.lastFrame()).toContain('used by 3 servers in 2 clients');
    expect(r.lastFrame().match(/\(recommended\)/g)).toHaveLength(1);
    await r.press('down');
    expect(cursorLine(r.lastFrame())).toBe('  › SLACK_BOT_TOKEN');
    await r.type('j');
    expect(cursorLine(r.lastFrame())).toBe('  › LINEAR_API_KEY');
    await r.type('k');
    expect(cursorLine(r.lastFrame())).toBe('  › SLACK_BOT_TOKEN');
    await r.press('up', 'up');
    // Wraps around from the first to the last.
    expect(cursorLine(r.lastFrame())).toBe('  › LINEAR_API_KEY');
    await r.press('enter');
    await expect(answer).resolves.toBe('linear');
    // The question leaves the live area and its answer stays in the log.
    expect(r.lastFrame()).toContain('? Which token leaked? › LINEAR_API_KEY');
    expect(r.lastFrame()).not.toContain('↑↓ move');
  });

  it('select: ? shows a line of key help', async () => {
    const r = await mount('Rotate');
    void r.prompter.select({ message: 'Which token leaked?', choices: CHOICES });
    await r.waitFor((f) => f.includes('Which token leaked?'));
    expect(r.lastFrame()).not.toContain('Keys:');
    await r.press('help');
    expect(r.lastFrame()).toContain('Keys: ↑ or k up, ↓ or j down');
    await r.press('enter');
    void r.prompter.confirm({ message: 'Sure?', default: true });
    await r.waitFor((f) => f.includes('Sure?'));
    expect(r.lastFrame()).not.toContain('Keys:');
  });

  it('secret: typed and pasted characters are never drawn, only the mask and the length; a refused value says why and asks again', async () => {
    const token = fakeToken('github-classic', 'flow-frame-test');
    const r = await mount('Rotate');
    const validated: number[] = [];
    const answer = r.prompter.secret({
      message: 'Paste the new token',
      validate: (v) => {
        validated.push(v.length);
        return v.startsWith('ghp_') ? true : 'That is not a GitHub token (it should start with ghp_).';
      },
    });
    await r.waitFor((f) => f.includes('Paste the new token'));
    // A wrong value first, typed one key at a time; q is a character here, not a cancel.
    for (const ch of 'quux') await r.type(ch);
    expect(r.lastFrame()).toContain('•••••••• (4 characters)');
    await r.press('enter');
    expect(r.lastFrame()).toContain('✗ That is not a GitHub token (it should start with ghp_).');
    expect(r.lastFrame()).toContain('Paste the new token');
    // Then the token as a paste (one chunk), a stray character deleted with Backspace.
    await r.type(token + 'x');
    expect(r.lastFrame()).toContain(`•••••••• (${token.length + 1} characters)`);
    await r.type('\x7f');
    expect(r.lastFrame()).toContain(`•••••••• (${token.length} characters)`);
    await r.press('enter');
    const value = await answer;
    // Compared as a boolean, so a failure never prints the value.
    expect(value === token).toBe(true);
    expect(validated).toEqual([4, token.length]);
    expect(r.lastFrame()).toContain(`? Paste the new token › •••••••• (${token.length} characters)`);
    const frames = r.frames();
    expect(frames.length).toBeGreaterThan(5);
    for (const f of frames) {
      expect(f.includes(token)).toBe(false);
      expect(f.includes(token.slice(0, 12))).toBe(false);
      expect(f.includes(token.slice(-8))).toBe(false);
      expect(f.includes('quux')).toBe(false);
    }
  });

  it('secret: a bracketed paste is taken whole and only its length is drawn', async () => {
    const token = fakeToken('github-classic', 'flow-paste-test');
    const r = await mount('Onboard');
    const answer = r.prompter.secret({ message: 'GITHUB_TOKEN' });
    await r.waitFor((f) => f.includes('GITHUB_TOKEN'));
    await r.type(`\x1b[200~${token}\x1b[201~`);
    expect(r.lastFrame()).toContain(`(${token.length} characters)`);
    await r.press('enter');
    expect((await answer) === token).toBe(true);
    for (const f of r.frames()) expect(f.includes(token)).toBe(false);
  });

  it('confirm: Enter gives the default, ←→ change it, y and n answer at once', async () => {
    const r = await mount('Rotate');
    const first = r.prompter.confirm({ message: 'Revoke the old token now?', default: false });
    await r.waitFor((f) => f.includes('Revoke the old token now?'));
    expect(r.lastFrame()).toContain('(y/N)');
    expect(r.lastFrame()).toContain('[ No (default) ]');
    await r.press('enter');
    await expect(first).resolves.toBe(false);

    const second = r.prompter.confirm({ message: 'Store it in the keychain?', default: false });
    await r.waitFor((f) => f.includes('Store it in the keychain?'));
    await r.press('left');
    expect(r.lastFrame()).toContain('[ Yes ]');
    await r.press('enter');
    await expect(second).resolves.toBe(true);

    const third = r.prompter.confirm({ message: 'Restart Cursor?', default: true });
    await r.waitFor((f) => f.includes('Restart Cursor?'));
    await r.type('n');
    await expect(third).resolves.toBe(false);
    expect(r.lastFrame()).toContain('? Restart Cursor? › No');
  });

  it('task: shows its label and the latest progress text, then a done line', async () => {
    const r = await mount('Rotate');
    let step!: (text: string) => void;
    let finish!: () => void;
    const result = r.prompter.task('Searching git history', (update) => {
      step = update;
      return new Promise<number>((resolve) => (finish = () => resolve(7)));
    });
    await r.waitFor((f) => f.includes('› Searching git history'));
    step('12 commits read');
    await r.waitFor((f) => f.includes('12 commits read'));
    step('40 commits read');
    await r.waitFor((f) => f.includes('40 commits read'));
    expect(r.lastFrame()).not.toContain('12 commits read');
    finish();
    await expect(result).resolves.toBe(7);
    await r.waitFor((f) => f.includes('✓ Searching git history'));
    expect(r.lastFrame()).not.toContain('40 commits read');
  });

  it('task: a failure is marked and the error reaches the flow', async () => {
    const r = await mount('Rotate');
    const result = r.prompter.task('Revoking the old token', async () => {
      throw new Error('GitHub answered 503');
    });
    await expect(result).rejects.toThrow('GitHub answered 503');
    await r.waitFor((f) => f.includes('✗ Revoking the old token: failed'));
  });

  it.each([
    ['q', 'select'],
    ['esc', 'select'],
    ['ctrlC', 'confirm'],
    ['esc', 'secret'],
    ['ctrlC', 'secret'],
  ] as const)('%s on a %s question cancels the flow (FlowCancelled)', async (key, kind) => {
    const r = await mount('Rotate');
    const asked =
      kind === 'select'
        ? r.prompter.select({ message: 'Which?', choices: CHOICES })
        : kind === 'confirm'
          ? r.prompter.confirm({ message: 'Which?', default: true })
          : r.prompter.secret({ message: 'Which?' });
    const settled = asked.then(
      () => 'answered',
      (e: unknown) => e,
    );
    await r.waitFor((f) => f.includes('Which?'));
    await r.press(key);
    expect(await settled).toBeInstanceOf(FlowCancelled);
    expect(r.lastFrame()).not.toContain('Which?');
  });

  it('q during a task lets it finish, then the next question is cancelled', async () => {
    const r = await mount('Rotate');
    let finish!: () => void;
    const result = r.prompter.task('Storing the new token', () => new Promise<string>((resolve) => (finish = () => resolve('stored'))));
    await r.waitFor((f) => f.includes('Storing the new token'));
    await r.press('q');
    expect(r.lastFrame()).toContain('stopping after this step…');
    finish();
    await expect(result).resolves.toBe('stored');
    await expect(r.prompter.confirm({ message: 'Next?', default: true })).rejects.toBeInstanceOf(FlowCancelled);
  });

  it('fits 80 columns: long messages wrap and long choices are cut', async () => {
    const r = await mount('Rotate a leaked token everywhere it is used, in every client and every file', { columns: 80 });
    r.prompter.say('This token is referenced by '.repeat(8) + 'the end.', 'warn');
    void r.prompter.select({
      message: 'Which of the places that hold the token should be rewritten to the keychain reference now?',
      choices: [{ name: 'A very long choice name '.repeat(6), value: 'long', hint: 'and an even longer hint '.repeat(6) }, ...CHOICES],
    });
    await r.waitFor((f) => f.includes('recommended'));
    await r.resize(80, 24);
    for (const f of r.frames()) expect(widest(f)).toBeLessThanOrEqual(80);
    // Wrapped, not cut: every word of the long line is still there.
    expect(r.lastFrame().replace(/\s+/g, ' ')).toContain('This token is referenced by the end.');
    expect(r.lastFrame()).toContain('… (recommended)');
  });

  it('a resize redraws the question at the new width', async () => {
    const r = await mount('Rotate', { columns: 100 });
    void r.prompter.select({ message: 'Which?', choices: [{ name: 'x'.repeat(90), value: 1 }] });
    await r.waitFor((f) => f.includes('Which?'));
    expect(widest(r.lastFrame())).toBeGreaterThan(80);
    await r.resize(60, 24);
    expect(widest(r.lastFrame())).toBeLessThanOrEqual(60);
  });

  describe('colour', () => {
    const level = chalk.level;
    afterEach(() => {
      chalk.level = level;
    });
    // Any SGR that sets a foreground or background colour.
    const COLOUR = /\x1b\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;

    const everything = async (color: boolean) => {
      // The test runner's output is not a terminal: force the ANSI level a terminal would get.
      chalk.level = 1;
      const r = await mount('Rotate', { color });
      r.prompter.say('stored', 'ok');
      r.prompter.say('careful', 'warn');
      r.prompter.say('aside', 'muted');
      void r.prompter.select({ message: 'Which?', choices: CHOICES });
      await r.waitFor((f) => f.includes('Which?'));
      return r.rawFrame();
    };

    it('uses basic colours when colour is on', async () => {
      expect(await everything(true)).toMatch(COLOUR);
    });

    it('has no colour code at all under NO_COLOR, and still shows state by symbols', async () => {
      const raw = await everything(false);
      expect(raw).not.toMatch(COLOUR);
      const text = stripVTControlCharacters(raw);
      expect(text).toContain('✓ stored');
      expect(text).toContain('! careful');
      expect(text).toContain('  › GITHUB_PERSONAL_ACCESS_TOKEN (recommended)');
    });
  });
});
