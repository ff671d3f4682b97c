// The wizard's start-up: time from spawning `mcp-harden` (bare, on the demo sandbox, in a
// pseudo-terminal) to its first interactive frame, the server table. Compared with `node -e 0`
// spawned the same way (spawn to exit), interleaved, medians. Target: ≤ 2.5×.
// As a reference, the same run times the first frame of a bundled hello-world Ink app
// (bench/hello-ink.tsx): no Ink screen can start faster than that.
//
// Usage (bench/run.mjs does this): bash scripts/with-keyring.sh node bench/wizard.mjs [--runs N] [--json]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import { rolldown } from 'rolldown';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/cli.js');
const node = process.execPath;
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 9) || 9;
const json = args.includes('--json');
const TARGET = 2.5;

if (process.env.MCP_HARDEN_TEST_KEYRING !== '1') {
  console.error('bench/wizard.mjs needs a private keyring: bash scripts/with-keyring.sh node bench/wizard.mjs');
  process.exit(2);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Spawns argv in a 100×30 pty. Resolves with { ms, scanShown }: ms until `done(output)` (or until
 * exit when `done` is null); scanShown when the Scan step was drawn first (a scan too slow to go
 * straight to the table).
 */
function timeInPty(argv, opts, done) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const child = pty.spawn(node, argv, { name: 'xterm-256color', cols: 100, rows: 30, ...opts });
    let out = '';
    let ms;
    let scanShown = false;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no first frame after 20 s: ${out.slice(-300)}`));
    }, 20_000);
    child.onData((d) => {
      if (ms !== undefined || !done) return;
      out += d;
      if (out.includes('1/9 Scan')) scanShown = true;
      if (done(out)) {
        ms = since();
        child.write('q');
      }
    });
    child.onExit(() => {
      clearTimeout(timer);
      resolve({ ms: ms ?? since(), scanShown });
    });
  });
}

// One sandbox for every run: the wizard is quit with q at its first frame, so it changes nothing.
const demo = spawnSync(node, [cli, 'demo', '--keep'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const root = /\/\S*mcp-harden-sandbox-[A-Za-z0-9]+/.exec(demo.stderr)?.[0];
if (!root) throw new Error(`demo did not say where its sandbox is: ${demo.stderr.slice(-300)}`);
const home = join(root, 'home');
const env = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_DATA_HOME: join(home, '.local/share'),
  XDG_STATE_HOME: join(home, '.local/state'),
  TERM: 'xterm-256color',
};
delete env.NO_COLOR;
const cwd = join(root, 'workspace/acme-app');
// The server table is on screen once its last row and the line under it are drawn.
const firstFrame = (out) => out.includes('2/9 Servers') && out.includes('Continue to trust levels');
const helloFrame = (out) => out.includes('Hello from Ink');

// The hello-world reference, bundled and loaded like the CLI: ES modules in a `"type": "module"`
// package (else Node first tries each file as CommonJS), the compile cache, Ink without fetch.
const helloDir = mkdtempSync(join(tmpdir(), 'mcp-harden-hello-ink-'));
writeFileSync(join(helloDir, 'package.json'), '{ "type": "module" }\n');
const helloBuild = await rolldown({
  input: join(repo, 'bench/hello-ink-entry.ts'),
  platform: 'node',
  external: ['react-devtools-core'],
  transform: { jsx: 'react-jsx', define: { 'process.env.NODE_ENV': '"production"' } },
  logLevel: 'silent',
});
await helloBuild.write({ dir: helloDir, format: 'esm', minify: true });
const hello = join(helloDir, 'hello-ink-entry.js');

const wizardMs = [];
const helloMs = [];
let scanShown = 0;
const nodeMs = [];
try {
  // One warm-up of each, not counted: the first spawn pays for the page cache.
  await timeInPty(['-e', '0'], { cwd, env }, null);
  await timeInPty([cli], { cwd, env }, firstFrame);
  await timeInPty([hello], { cwd, env }, helloFrame);
  for (let i = 0; i < runs; i++) {
    nodeMs.push((await timeInPty(['-e', '0'], { cwd, env }, null)).ms);
    const w = await timeInPty([cli], { cwd, env }, firstFrame);
    wizardMs.push(w.ms);
    if (w.scanShown) scanShown++;
    helloMs.push((await timeInPty([hello], { cwd, env }, helloFrame)).ms);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
  rmSync(helloDir, { recursive: true, force: true });
}

// scanShown: runs where the scan outlasted the wait for it (src/wizard/run.ts SCAN_FRAME_AFTER_MS) and
// its progress was drawn before the table.
const result = { runs, wizardMedianMs: median(wizardMs), scanShown, nodeMedianMs: median(nodeMs), target: TARGET };
result.ratio = result.wizardMedianMs / result.nodeMedianMs;
result.helloMedianMs = median(helloMs);
result.helloRatio = result.helloMedianMs / result.nodeMedianMs;
// How far the wizard is from the floor any Ink screen has on this machine.
result.overHello = result.wizardMedianMs / result.helloMedianMs;
if (json) console.log(JSON.stringify(result));
else {
  console.log(
    `wizard to the server table, ${runs} runs: median ${result.wizardMedianMs.toFixed(0)} ms (the Scan step drawn first in ${scanShown} of ${runs}); node -e 0: ${result.nodeMedianMs.toFixed(0)} ms`,
  );
  console.log(`reference: a bundled hello-world Ink app draws its first frame in ${result.helloMedianMs.toFixed(0)} ms = ${result.helloRatio.toFixed(2)}× node -e 0; the wizard's table takes ${result.overHello.toFixed(2)}× that`);
  console.log(`ratio ${result.ratio.toFixed(2)}× (target ≤ ${TARGET}×): ${result.ratio <= TARGET ? 'PASS' : 'FAIL'}`);
}
