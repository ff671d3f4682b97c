// The sh launcher against a real Secret Service (a private gnome-keyring), under dash (Debian's
// /bin/sh) and bash, started the way a GUI client starts a server: PATH=/usr/bin:/bin, almost no
// environment. Run: bash scripts/with-keyring.sh npx vitest run test/launcher
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLauncher } from '../../src/app/launcher.js';
import { formatInlineReference, formatReference } from '../../src/core/reference.js';
import { assertPrivateKeyring, deadBusEnv, lockedKeyring } from '../adapters/secret-store/keyring-helpers.js';
import { LAUNCHER, SERVER, awkwardValues, guiEnv, runReporting, storeItem, synthetic, uniqueService } from './helpers.js';

assertPrivateKeyring();

const service = uniqueService('sh');
const awkward = awkwardValues();
const plain = synthetic('ghp_');
const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-launch-sh-'));

beforeAll(() => {
  for (const [name, value] of Object.entries(awkward)) storeItem(service, name, value);
  storeItem(service, 'PLAIN', plain);
  storeItem(service, 'API_KEY@my/server', plain);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function oneLine(stderr: string): string {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr;
}

describe.each(['dash', 'bash'])('mcp-harden-launch under %s', (shell) => {
  const launch = (args: string[], env: Record<string, string>, vars: string[] = []) => runReporting([shell, LAUNCHER, ...args], env, vars);

  it('exports every whole-value reference with its exact value', () => {
    const env: Record<string, string> = { PLAIN: formatReference(service, 'PLAIN'), NOT_A_REF: 'left alone' };
    for (const name of Object.keys(awkward)) env[`V_${name}`] = formatReference(service, name);
    const vars = [...Object.keys(env), 'MCP_HARDEN_LAUNCHED'];
    const out = launch([SERVER], guiEnv(env), vars);
    expect(out.stderr).toBe('');
    expect(out.result.status).toBe(0);
    for (const [name, value] of Object.entries(awkward)) expect(out.report!.vars[`V_${name}`], name).toBe(value);
    expect(out.report!.vars.PLAIN).toBe(plain);
    expect(out.report!.vars.NOT_A_REF).toBe('left alone');
  });

  it('replaces inline references in arguments, keeping every other argument byte for byte', () => {
    const args = [
      `--api-key=${formatInlineReference(service, 'PLAIN')}`,
      `${formatInlineReference(service, 'quotes')}|${formatInlineReference(service, 'trailingNewline')}`,
      `x${formatInlineReference(service, 'API_KEY@my/server')}y`,
      '',
      ' spaced  arg ',
      '*',
      '$HOME',
      '{{not-a-reference}}',
      formatInlineReference(service, 'braces') + formatInlineReference(service, 'PLAIN'),
    ];
    const out = launch([SERVER, ...args], guiEnv());
    expect(out.stderr).toBe('');
    expect(out.report!.args).toEqual([
      `--api-key=${plain}`,
      `${awkward.quotes}|${awkward.trailingNewline}`,
      `x${plain}y`,
      '',
      ' spaced  arg ',
      '*',
      '$HOME',
      '{{not-a-reference}}',
      awkward.braces + plain,
    ]);
  });

  it('replaces inline references inside an environment value (a connection URL)', () => {
    const url = `postgres://app:${formatInlineReference(service, 'PLAIN')}@db:5432/app\n`;
    const out = launch([SERVER], guiEnv({ DATABASE_URL: url }), ['DATABASE_URL']);
    expect(out.stderr).toBe('');
    expect(out.report!.vars.DATABASE_URL).toBe(`postgres://app:${plain}@db:5432/app\n`);
  });

  it('writes nothing to stdout and becomes the server (same pid, no process left)', () => {
    const out = launch([SERVER], guiEnv({ PLAIN: formatReference(service, 'PLAIN') }), ['MCP_HARDEN_LAUNCHED']);
    expect(out.stdout).toBe('');
    expect(out.report!.pid).toBe(out.result.pid);
    expect(out.report!.vars.MCP_HARDEN_LAUNCHED).toBe(String(out.result.pid));
  });

  it("passes the server's exit code and its death by a signal through", () => {
    expect(launch([SERVER], guiEnv({ REPORT_EXIT: '42' })).result.status).toBe(42);
    const killed = launch([SERVER], guiEnv({ REPORT_SIGNAL: 'TERM' }));
    expect(killed.result.signal).toBe('SIGTERM');
    expect(killed.result.status).toBeNull();
  });

  it('exits 10 with one line naming the item when a secret is missing, before starting anything', () => {
    const out = launch([SERVER], guiEnv({ GITHUB_TOKEN: formatReference(service, 'NEVER_STORED') }));
    expect(out.result.status).toBe(10);
    expect(out.report).toBeNull();
    expect(out.stdout).toBe('');
    expect(oneLine(out.stderr)).toMatch(/^mcp-harden-launch: no secret in the keychain \(service mcp-harden-launch-test-sh-\w+, account NEVER_STORED, for environment variable GITHUB_TOKEN\)/);
  });

  it('exits 10 naming the missing item of an inline argument reference', () => {
    const out = launch([SERVER, 'a', `--key=${formatInlineReference(service, 'NOPE')}`], guiEnv());
    expect(out.result.status).toBe(10);
    expect(oneLine(out.stderr)).toContain('account NOPE, for argument 2');
  });

  it('exits 2 on a malformed reference and on a missing command line', () => {
    const bad = launch([SERVER], guiEnv({ T: 'keychain:no-slash' }));
    expect(bad.result.status).toBe(2);
    expect(oneLine(bad.stderr)).toContain('malformed keychain reference in environment variable T');
    const open = launch([SERVER, `--k={{keychain:${service}/PLAIN`], guiEnv());
    expect(open.result.status).toBe(2);
    expect(oneLine(open.stderr)).toContain('unterminated');
    const none = launch([], guiEnv());
    expect(none.result.status).toBe(2);
    expect(oneLine(none.stderr)).toContain('usage: mcp-harden-launch CMD');
  });

  it('exits 127 with one line when the server command is not found', () => {
    const out = launch(['no-such-server-command'], guiEnv());
    expect(out.result.status).toBe(127);
    expect(oneLine(out.stderr)).toContain('command not found: no-such-server-command');
  });

  it('exits 10 naming the fallback when secret-tool is missing', () => {
    const script = join(dir, `no-tool-${shell}`);
    writeFileSync(script, renderLauncher(readFileSync(LAUNCHER, 'utf8'), { os: 'Linux', tool: '/nonexistent/secret-tool', pathDirs: [] }));
    const out = runReporting([shell, script, SERVER], guiEnv({ T: formatReference(service, 'PLAIN') }), []);
    expect(out.result.status).toBe(10);
    expect(out.report).toBeNull();
    expect(oneLine(out.stderr)).toMatch(/secret-tool not found .*mcp-harden exec -- CMD ARGS/);
  });

  it('exits 10 with one line when no Secret Service is reachable', () => {
    const env = { ...guiEnv({ T: formatReference(service, 'PLAIN') }), DBUS_SESSION_BUS_ADDRESS: deadBusEnv().DBUS_SESSION_BUS_ADDRESS! };
    const out = launch([SERVER], env);
    expect(out.result.status).toBe(10);
    expect(oneLine(out.stderr)).toContain('no Secret Service on the session bus');
  });

  it('does not look up again when it starts itself directly, but does in a server started later', () => {
    // A secret that itself reads like a reference must reach the server as is.
    const refLike = formatReference(service, 'NEVER_STORED');
    const nestedService = uniqueService('nest');
    storeItem(nestedService, 'REF_LIKE', refLike);
    const direct = launch([LAUNCHER, SERVER], guiEnv({ T: formatReference(nestedService, 'REF_LIKE') }), ['T']);
    expect(direct.stderr).toBe('');
    expect(direct.report!.vars.T).toBe(refLike);
    expect(direct.report!.pid).toBe(direct.result.pid);
    // A server (here sh) that starts another server through the launcher, in a new process.
    const later = launch(
      ['sh', '-c', `U=${formatReference(service, 'PLAIN')} ${shell} "$0" "$1"; exit $?`, LAUNCHER, SERVER],
      guiEnv({ T: formatReference(service, 'unicode') }),
      ['T', 'U'],
    );
    expect(later.stderr).toBe('');
    expect(later.report!.vars).toEqual({ T: awkward.unicode, U: plain });
  });

  it('never puts a secret in the arguments of the processes it starts', () => {
    // A recording secret-tool: it saves its own argv and its parent's (the launcher's) cmdline.
    const log = join(dir, `argv-${shell}.log`);
    const tool = join(dir, `secret-tool-${shell}`);
    writeFileSync(tool, `#!/bin/sh\n{ printf '%s ' "$@"; echo; tr '\\000' ' ' </proc/$PPID/cmdline; echo; } >>'${log}'\nexec /usr/bin/secret-tool "$@"\n`);
    chmodSync(tool, 0o755);
    const script = join(dir, `recording-${shell}`);
    writeFileSync(script, renderLauncher(readFileSync(LAUNCHER, 'utf8'), { os: 'Linux', tool, pathDirs: [] }));
    const out = runReporting([shell, script, SERVER], guiEnv({ A: formatReference(service, 'PLAIN'), B: formatReference(service, 'unicode') }), ['A', 'B']);
    expect(out.report!.vars).toEqual({ A: plain, B: awkward.unicode });
    const seen = readFileSync(log, 'utf8');
    expect(seen).toContain(`lookup service ${service} account PLAIN`);
    expect(seen).not.toContain(plain);
    expect(seen).not.toContain(awkward.unicode);
    expect(out.report!.cmdline).not.toContain(plain);
  });

  describe('with a locked keychain', () => {
    let bus: Awaited<ReturnType<typeof lockedKeyring>>;
    const lockedService = uniqueService('locked');
    beforeAll(async () => {
      bus = await lockedKeyring(lockedService, 'GITHUB_TOKEN');
    });
    afterAll(() => bus?.close());

    it('exits 10 with one line saying the keychain is locked', () => {
      const env = { ...guiEnv({ T: formatReference(lockedService, 'GITHUB_TOKEN') }), DBUS_SESSION_BUS_ADDRESS: bus.env.DBUS_SESSION_BUS_ADDRESS! };
      const out = launch([SERVER], env);
      expect(out.result.status).toBe(10);
      expect(out.report).toBeNull();
      expect(oneLine(out.stderr)).toContain('the keychain is locked');
    });
  });
});
