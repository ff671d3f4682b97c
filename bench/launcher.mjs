// Launcher start-up: `mcp-harden-launch true` with two `keychain:` environment references, against
// the guide's own method measured in the same run,
//   sh -c 'A=$(secret-tool lookup service S account A) B=$(secret-tool lookup …) exec true'
// Medians of interleaved runs, target ≤ 1.3×. `mcp-harden exec` is timed too, for information.
//
// It needs a keyring: bash scripts/with-keyring.sh node bench/launcher.mjs [--runs N] [--json]
// (`--json` prints one JSON line with the figures, for bench/run.mjs).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const LAUNCHER_TARGET = 1.3;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const RUNS = Math.max(1, Number(opt('--runs', '41')));
const JSON_OUT = argv.includes('--json');
const log = JSON_OUT ? () => {} : (s) => console.log(s);

if (process.env.MCP_HARDEN_TEST_KEYRING !== '1') {
  console.error('bench/launcher.mjs needs a private keyring: bash scripts/with-keyring.sh node bench/launcher.mjs');
  process.exit(2);
}

const service = 'mcp-harden';
const secretTool = spawnSync('sh', ['-c', 'command -v secret-tool'], { encoding: 'utf8' }).stdout.trim() || '/usr/bin/secret-tool';
for (const account of ['BENCH_A', 'BENCH_B']) {
  const r = spawnSync(
    secretTool,
    ['store', `--label=${service}/${account}`, 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', service, 'account', account],
    { input: `synthetic-${randomBytes(16).toString('hex')}` },
  );
  if (r.status !== 0) throw new Error(`secret-tool store failed: ${r.stderr}`);
}

// The launcher as installed: settings block filled (OS and tool recorded, no uname, no search).
const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-bench-launch-'));
const source = readFileSync(join(repo, 'src/launcher/mcp-harden-launch.sh'), 'utf8');
const installed = join(dir, 'mcp-harden-launch');
writeFileSync(
  installed,
  source.replace(/^_mhl_os=$/m, '_mhl_os=Linux').replace(/^_mhl_tool=$/m, `_mhl_tool='${secretTool}'`),
);
chmodSync(installed, 0o755);
const fromSource = join(dir, 'mcp-harden-launch-source');
writeFileSync(fromSource, source);
chmodSync(fromSource, 0o755);

// What a GUI client gives a server, plus the bus; the references for the launcher sides.
const baseEnv = { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/', DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
if (process.env.XDG_RUNTIME_DIR) baseEnv.XDG_RUNTIME_DIR = process.env.XDG_RUNTIME_DIR;
const refEnv = { ...baseEnv, A: `keychain:${service}/BENCH_A`, B: `keychain:${service}/BENCH_B` };

const guideScript = `A=$(secret-tool lookup service ${service} account BENCH_A) B=$(secret-tool lookup service ${service} account BENCH_B) exec true`;
const sides = [
  { name: 'guide sh -c', cmd: '/bin/sh', args: ['-c', guideScript], env: baseEnv },
  { name: 'launcher (installed)', cmd: installed, args: ['true'], env: refEnv },
  { name: 'launcher (from source)', cmd: fromSource, args: ['true'], env: refEnv },
];
const cli = join(repo, 'dist/cli.js');
if (existsSync(cli)) {
  sides.push({
    name: 'mcp-harden exec',
    cmd: process.execPath,
    args: [cli, 'exec', '--', 'true'],
    env: { ...refEnv, NODE_PATH: join(repo, 'node_modules') },
  });
}

function timeRun(side) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(side.cmd, side.args, { env: side.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stdout.length !== 0) {
    throw new Error(`${side.name}: exit ${r.status}, ${r.stdout.length} bytes on stdout: ${r.stderr.toString().slice(0, 300)}`);
  }
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

try {
  for (const side of sides) timeRun(side); // warm-up, and every side must succeed silently
  const times = new Map(sides.map((s) => [s.name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(round + k) % sides.length];
      times.get(side.name).push(timeRun(side));
    }
  }
  const rows = sides.map((s) => {
    const t = times.get(s.name);
    return { name: s.name, median: median(t), min: Math.min(...t), max: Math.max(...t) };
  });
  const base = rows[0].median;
  const ratio = rows[1].median / base;
  if (JSON_OUT) {
    console.log(JSON.stringify({ runs: RUNS, target: LAUNCHER_TARGET, ratio, rows }));
  } else {
    log(`launcher start-up, two secrets, ${RUNS} interleaved runs per side:`);
    for (const r of rows) log(`  ${r.name.padEnd(24)} median ${r.median.toFixed(2).padStart(7)} ms   min ${r.min.toFixed(2).padStart(7)} ms   ${(r.median / base).toFixed(2)}×`);
    log(`launcher vs guide: ${ratio.toFixed(2)}× (target ≤ ${LAUNCHER_TARGET}×) ${ratio <= LAUNCHER_TARGET ? 'PASS' : 'FAIL'}`);
  }
  process.exitCode = ratio <= LAUNCHER_TARGET ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
