// The guided flows' Ink prompter in a real pseudo-terminal (node-pty + @xterm/headless): a small
// flow (test/fixtures/flow-prompter.ts, bundled with esbuild like the CLI) asks a select, a secret
// and a confirm. What the user types for the secret must never reach the terminal.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnCli, type PtySession } from '../helpers/pty.js';
import { fakeToken } from '../helpers/tokens.js';

let dir: string;
let script: string;
let sessions: PtySession[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-harden-flow-pty-'));
  script = join(dir, 'flow.mjs');
  await build({
    entryPoints: { flow: join(ROOT, 'test/fixtures/flow-prompter.ts') },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    // As in scripts/build.mjs: Ink's optional React DevTools stay in a chunk that never loads.
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    jsx: 'automatic',
    external: ['react-devtools-core'],
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __flowCreateRequire } from 'node:module'; const require = __flowCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
});
afterEach(() => {
  for (const s of sessions) s.kill();
  sessions = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(extraEnv: Record<string, string> = {}): PtySession {
  const s = spawnCli({
    cli: script,
    args: [],
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, TERM: 'xterm-256color', ...extraEnv },
    cols: 80,
    rows: 24,
  });
  sessions.push(s);
  return s;
}

describe('the Ink prompter on a real terminal', () => {
  it('asks a select, a secret and a confirm; the secret never shows on the screen or in the output', async () => {
    const token = fakeToken('github-classic', 'flow-pty-test');
    const s = start();
    const screens: string[] = [];
    const seen = async (what: string | RegExp) => {
      const screen = await s.waitFor(what);
      screens.push(screen);
      return screen;
    };

    let screen = await seen('Which token leaked?');
    expect(screen.split('\n')[0]).toBe('mcp-harden  Rotate a leaked token');
    expect(screen).toContain('✓ Looking for the token in 3 files.');
    expect(screen).toContain('› GITHUB_PERSONAL_ACCESS_TOKEN (recommended)');
    s.press('Down');
    await seen(/› SLACK_BOT_TOKEN/);
    s.press('Up');
    await seen(/› GITHUB_PERSONAL_ACCESS_TOKEN/);
    s.press('Enter');

    await seen('Paste the new token');
    // A refused value first, then the token typed in one burst (as a paste without bracketed
    // paste mode arrives), with q in it on purpose: q is a character here.
    s.write('quick');
    await seen('(5 characters)');
    s.press('Enter');
    await seen('That is not a GitHub token');
    s.write(token);
    screen = await seen(`(${token.length} characters)`);
    s.press('Enter');

    await seen('Revoke the old token now?');
    s.press('Right');
    await seen('[ No ]');
    s.press('Enter');

    const fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 12);
    screen = await seen('answers:');
    expect(screen).toContain(`answers: github len=${token.length} sha256:${fingerprint} revoke=false stored=true`);
    expect(screen).toContain('✓ Storing the new token');
    expect((await s.exit).code).toBe(0);

    // Booleans only, so a failure never prints the value.
    screens.push(s.screen());
    for (const shown of screens) {
      expect(shown.includes(token)).toBe(false);
      expect(shown.includes(token.slice(4, 16))).toBe(false);
      expect(shown.includes('quick')).toBe(false);
    }
    expect(s.raw().includes(token.slice(4, 16))).toBe(false);
    expect(s.raw().includes('quick')).toBe(false);
  });

  it('Ctrl+C on a question cancels the flow and gives the terminal back', async () => {
    const s = start({ NO_COLOR: '1' });
    await s.waitFor('Which token leaked?');
    s.press('Ctrl+C');
    const screen = await s.waitFor('! Cancelled.');
    expect(screen).not.toContain('↑↓ move');
    expect((await s.exit).code).toBe(130);
    // No colour was drawn under NO_COLOR (SGR foreground/background codes).
    expect(s.raw()).not.toMatch(/\x1b\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/);
  });
});
