// `execWithSecrets` with the in-memory store: what CMD receives, the errors and their exit codes.
// The real keychain and the real process replacement are covered in exec-keyring.test.ts.
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { CommandNotFoundError, MissingSecretError, execWithSecrets, findCommand, resolveSecrets } from '../../src/app/exec.js';
import { KeychainUnavailableError, UsageError, exitCodeFor } from '../../src/core/errors.js';
import { formatInlineReference, formatReference } from '../../src/core/reference.js';
import { awkwardValues, synthetic } from './helpers.js';

const S = 'mcp-harden';
const token = synthetic('ghp_');
const awkward = awkwardValues();

function store(): MemorySecretStore {
  return new MemorySecretStore({
    items: [[S, 'GITHUB_TOKEN', token], [S, 'API_KEY@a/b', token], ...Object.entries(awkward).map(([k, v]) => [S, k, v] as const)],
  });
}

class Replaced extends Error {
  constructor(readonly file: string, readonly args: string[], readonly env: Record<string, string>) {
    super('replaced');
  }
}
const fakeExecve = (file: string, args: string[], env: Record<string, string>): never => {
  throw new Replaced(file, args, env);
};

async function replaced(argv: string[], env: Record<string, string | undefined>, s = store(), pid = 4242): Promise<Replaced> {
  try {
    await execWithSecrets(argv, env, s, { execve: fakeExecve, pid });
  } catch (err) {
    if (err instanceof Replaced) return err;
    throw err;
  }
  throw new Error('execve was not called');
}

describe('execWithSecrets', () => {
  it('replaces whole-value and inline references, keeps everything else, and marks the process', async () => {
    const env: Record<string, string | undefined> = { PATH: '/usr/bin:/bin', GITHUB_TOKEN: formatReference(S, 'GITHUB_TOKEN'), KEEP: 'x', GONE: undefined };
    for (const k of Object.keys(awkward)) env[`V_${k}`] = formatReference(S, k);
    env.URL = `https://u:${formatInlineReference(S, 'API_KEY@a/b')}@h/`;
    const r = await replaced(['sh', '-c', 'x', `--key=${formatInlineReference(S, 'trailingNewline')}`, '{{other}}'], env);
    expect(r.file).toBe('/usr/bin/sh');
    expect(r.args).toEqual(['sh', '-c', 'x', `--key=${awkward.trailingNewline}`, '{{other}}']);
    expect(r.env.GITHUB_TOKEN).toBe(token);
    for (const [k, v] of Object.entries(awkward)) expect(r.env[`V_${k}`], k).toBe(v);
    expect(r.env.URL).toBe(`https://u:${token}@h/`);
    expect(r.env.KEEP).toBe('x');
    expect('GONE' in r.env).toBe(false);
    expect(r.env.MCP_HARDEN_LAUNCHED).toBe('4242');
  });

  it('reads each item once, however often it is referenced', async () => {
    const s = store();
    let gets = 0;
    const counting = Object.assign(Object.create(s), { get: (a: string, b: string) => (gets++, s.get(a, b)) });
    await replaced(['true', formatInlineReference(S, 'GITHUB_TOKEN')], { PATH: '/usr/bin:/bin', A: formatReference(S, 'GITHUB_TOKEN'), B: formatReference(S, 'GITHUB_TOKEN') }, counting);
    expect(gets).toBe(1);
  });

  it('opens the keychain only when something refers to it', async () => {
    let opened = 0;
    const lazy = async () => (opened++, store());
    await expect(execWithSecrets(['true'], { PATH: '/usr/bin:/bin' }, lazy, { execve: fakeExecve })).rejects.toBeInstanceOf(Replaced);
    expect(opened).toBe(0);
  });

  it('does not resolve again when a launcher in this same process already did', async () => {
    const refLike = formatReference(S, 'NEVER_STORED');
    const r = await replaced(['true'], { PATH: '/usr/bin:/bin', T: refLike, MCP_HARDEN_LAUNCHED: '77' }, store(), 77);
    expect(r.env.T).toBe(refLike);
    // A different pid is another process: its references are resolved.
    await expect(replaced(['true'], { PATH: '/usr/bin:/bin', T: refLike, MCP_HARDEN_LAUNCHED: '76' }, store(), 77)).rejects.toBeInstanceOf(MissingSecretError);
  });

  it('fails with exit 10 naming the missing item, never its neighbours’ values', async () => {
    const err = await execWithSecrets(['true'], { PATH: '/usr/bin:/bin', A: formatReference(S, 'GITHUB_TOKEN'), T: formatReference(S, 'NOPE') }, store(), { execve: fakeExecve }).catch((e) => e);
    expect(err).toBeInstanceOf(MissingSecretError);
    expect(exitCodeFor(err)).toBe(10);
    expect(err.message).toBe('no secret in the keychain (service mcp-harden, account NOPE, for environment variable T); add it with: mcp-harden fix');
  });

  it('passes a locked keychain on as exit 10', async () => {
    const s = store();
    s.state = 'locked';
    const err = await execWithSecrets(['true'], { A: formatReference(S, 'GITHUB_TOKEN') }, s, { execve: fakeExecve }).catch((e) => e);
    expect(err).toBeInstanceOf(KeychainUnavailableError);
    expect(exitCodeFor(err)).toBe(10);
  });

  it('refuses malformed references with exit 2 before touching the keychain', async () => {
    const s = store();
    s.state = 'missing-backend';
    for (const [argv, env] of [
      [['true'], { A: 'keychain:nope' }],
      [['true', '--k={{keychain:mcp-harden/A'], {}],
      [['true'], { U: 'x{{keychain:a/b/c}}' }],
    ] as const) {
      const err = await execWithSecrets([...argv], { ...env }, s, { execve: fakeExecve }).catch((e) => e);
      expect(err).toBeInstanceOf(UsageError);
    }
    await expect(execWithSecrets([], {}, s)).rejects.toBeInstanceOf(UsageError);
  });

  it('exits 127 when the command is not on the resolved PATH', async () => {
    const err = await execWithSecrets(['no-such-server'], { PATH: '/usr/bin:/bin' }, store(), { execve: fakeExecve }).catch((e) => e);
    expect(err).toBeInstanceOf(CommandNotFoundError);
    expect(exitCodeFor(err)).toBe(127);
    expect(findCommand('sh', { PATH: 'relative:/bin' })).toBe('/bin/sh');
  });

  it('without execve, runs the command as a child and gives back its exit code', async () => {
    const code = await execWithSecrets(['sh', '-c', '[ "$T" = "$1" ] && exit 7; exit 3', 'sh', token], { PATH: '/usr/bin:/bin', T: formatReference(S, 'GITHUB_TOKEN') }, store(), { execve: null });
    expect(code).toBe(7);
  });

  it('resolveSecrets gives the environment without undefined entries', async () => {
    const r = await resolveSecrets(['x'], { A: undefined, B: formatReference(S, 'unicode') }, store());
    expect(r.env).toEqual({ B: awkward.unicode });
  });
});
