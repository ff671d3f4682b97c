// Helpers for the tests that talk to a real Secret Service. They only ever touch the private
// keyring started by scripts/with-keyring.sh, or keyrings and buses they start themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeProcessRunner } from '../../../src/adapters/process.js';
import type { ProcessRunner, RunOptions } from '../../../src/ports/process.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const WITH_KEYRING = join(REPO, 'scripts/with-keyring.sh');

/**
 * Refuses to go on unless this process runs inside scripts/with-keyring.sh: these tests write to
 * the keychain, and must never write to a developer's real one. Called at the top of each real
 * keychain test file, so the file fails (never skips) when run the wrong way.
 */
export function assertPrivateKeyring(): void {
  const env = process.env;
  if (env.MCP_HARDEN_TEST_KEYRING !== '1' || !env.MCP_HARDEN_TEST_KEYRING_BUS || env.MCP_HARDEN_TEST_KEYRING_BUS !== env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error(
      'these tests need a private keyring: run through scripts/with-keyring.sh (npm test does), e.g. `bash scripts/with-keyring.sh npx vitest run test/adapters/secret-store`',
    );
  }
}

/** A service name no other test uses, so test files can share the private keyring. */
export function testService(label: string): string {
  return `mcp-harden-test-${label}-${randomBytes(4).toString('hex')}`;
}

/** A synthetic value of the given shape, different on every call. */
export function syntheticValue(prefix = 'synthetic-'): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** An environment in which no window can open (an unlock prompt would otherwise reach a real screen). */
export function headlessEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return env;
}

export interface RecordedRun {
  cmd: string;
  args: readonly string[];
  options: RunOptions;
}

/** The real runner, recording every command it runs. */
export function recordingRunner(): { runner: ProcessRunner; runs: RecordedRun[] } {
  const runs: RecordedRun[] = [];
  return {
    runs,
    runner: {
      run(cmd, args, options = {}) {
        runs.push({ cmd, args: [...args], options });
        return nodeProcessRunner.run(cmd, args, options);
      },
    },
  };
}

/** A session bus started for a test; `env` points a child process at it. */
export interface TestBus {
  env: Record<string, string | undefined>;
  close(): Promise<void>;
}

/** Starts `argv` and waits for a line `READY <bus address>` on its stdout. It runs until close(). */
function startBus(argv: string[], env: Record<string, string | undefined>, cleanup?: () => void): Promise<TestBus> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`test bus did not start: ${err}`));
    }, 20_000);
    const exited = new Promise<void>((r) => child.on('close', () => r()));
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /^READY (.+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolvePromise({
        env: headlessEnv({ DBUS_SESSION_BUS_ADDRESS: m[1]! }),
        async close() {
          child.stdin!.end(); // the bus script waits for stdin to close
          await exited;
          cleanup?.();
        },
      });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/**
 * A second private gnome-keyring, with one item stored (service/account given, a synthetic value)
 * and then locked through the Secret Service `Lock` method. No prompter can show: no display.
 */
export function lockedKeyring(service: string, account: string): Promise<TestBus> {
  const script = `
    set -e
    printf '%s' "$ITEM_VALUE" | secret-tool store --label="$ITEM_SERVICE/$ITEM_ACCOUNT" \
      xdg:schema org.freedesktop.Secret.Generic service "$ITEM_SERVICE" account "$ITEM_ACCOUNT"
    dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets \
      org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
    echo "READY $DBUS_SESSION_BUS_ADDRESS"
    cat >/dev/null
  `;
  return startBus(
    ['bash', WITH_KEYRING, 'bash', '-c', script],
    headlessEnv({ ITEM_SERVICE: service, ITEM_ACCOUNT: account, ITEM_VALUE: syntheticValue() }),
  );
}

/** A session bus on which no Secret Service exists or can be started (no service files at all). */
export function busWithoutSecretService(): Promise<TestBus> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-nobus-'));
  const config = join(dir, 'session.conf');
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  return startBus(
    ['dbus-run-session', `--config-file=${config}`, '--', 'bash', '-c', 'echo "READY $DBUS_SESSION_BUS_ADDRESS"; cat >/dev/null'],
    headlessEnv(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
}

/** An environment whose session bus address points at a socket that does not exist. */
export function deadBusEnv(): Record<string, string | undefined> {
  return headlessEnv({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tmpdir(), `mcp-harden-no-bus-${randomBytes(6).toString('hex')}`)}` });
}

export interface ChildOutcome {
  ok: boolean;
  result?: unknown;
  name?: string;
  reason?: string;
  message?: string;
  exitCode?: number;
}

/**
 * Runs one KeytarStore method in a fresh Node process with the given environment: libsecret
 * binds to a session bus once per process, so a different bus needs a different process.
 */
export class KeytarChild {
  private constructor(private readonly dir: string, private readonly script: string) {}

  static async create(): Promise<KeytarChild> {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-keytar-child-'));
    const entry = join(dir, 'entry.ts');
    const store = join(REPO, 'src/adapters/secret-store/keytar.ts');
    writeFileSync(
      entry,
      `import { KeytarStore } from ${JSON.stringify(store)};
const [op, ...args] = process.argv.slice(2);
const store = new KeytarStore({ timeoutMs: Number(process.env.KEYTAR_TIMEOUT_MS ?? 15000) });
try {
  const result = await (store as any)[op!](...args);
  process.stdout.write(JSON.stringify({ ok: true, result: result ?? null }));
} catch (e: any) {
  process.stdout.write(JSON.stringify({ ok: false, name: e?.name, reason: e?.reason, message: e?.message, exitCode: e?.exitCode }));
}
process.exit(0);
`,
    );
    const script = join(dir, 'child.mjs');
    await build({
      entryPoints: [entry],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['@github/keytar'],
      logLevel: 'silent',
    });
    return new KeytarChild(dir, script);
  }

  async run(env: Record<string, string | undefined>, op: string, ...args: string[]): Promise<ChildOutcome> {
    // The bundle lives outside the repository; NODE_PATH lets it find @github/keytar.
    const r = await nodeProcessRunner.run(process.execPath, [this.script, op, ...args], {
      env: { ...env, NODE_PATH: join(REPO, 'node_modules') },
      timeoutMs: 30_000,
    });
    if (r.code !== 0) throw new Error(`keytar child exited ${r.code ?? (r.timedOut ? 'on timeout' : 'on a signal')}: ${r.stderr.slice(0, 500)}`);
    return JSON.parse(r.stdout) as ChildOutcome;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
