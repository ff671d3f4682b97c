// Benchmarks with their targets:
//   walker:     `mcp-harden audit` on a 400,000-file workspace vs `find` with the same pruning (≤ 1.5×)
//   cold start: `mcp-harden audit` on a small project vs `node -e 0` (≤ 3×)
//   launcher:   `mcp-harden-launch true` with two keychain references vs the guide's
//               `sh -c 'A=$(secret-tool lookup …) B=$(…) exec true'` (≤ 1.3×), see bench/launcher.mjs
//   wizard:     bare `mcp-harden` in a pty on the demo sandbox, spawn to the server table, vs
//               `node -e 0` in a pty (≤ 2.5×), see bench/wizard.mjs
// Each side runs several times, interleaved with its baseline, and medians are compared, so a
// noisy moment hits both sides alike. The walker is also timed alone (built from src with esbuild)
// so it can be tuned before the CLI exists.
//
// Usage: node bench/run.mjs [--runs N] [--only walker|startup|launcher|fix|wizard] [--cli dist/cli.js]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BENCH_ROOT, PRUNED_NAMES, ensureSmallWorkspace, ensureWorkspace } from './workspace.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const cli = resolve(opt('--cli', join(repo, 'dist', 'cli.js')));
const RUNS = Math.max(1, Number(opt('--runs', '7')));
const ONLY = opt('--only', 'all');

const WALK_TARGET = 1.5;
const START_TARGET = 3;

/** Runs a command once; returns wall time in ms, stdout and exit status. */
function timeRun(cmd, args, cwd = repo) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return { ms, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs every side once per round, in a rotating order, after one untimed warm-up round. */
function interleave(sides, runs = RUNS) {
  for (const side of sides) side.check?.(timeRun(side.cmd, side.args));
  const times = new Map(sides.map((s) => [s.name, []]));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(round + k) % sides.length];
      const r = timeRun(side.cmd, side.args);
      if (side.okStatus && !side.okStatus(r.status)) {
        throw new Error(`${side.name} exited with ${r.status}: ${r.stderr.slice(0, 500)}`);
      }
      times.get(side.name).push(r.ms);
    }
  }
  return sides.map((s) => {
    const t = times.get(s.name);
    return { name: s.name, median: median(t), min: Math.min(...t), max: Math.max(...t) };
  });
}

function table(rows, baseline) {
  const base = rows.find((r) => r.name === baseline).median;
  const lines = [['side', 'median ms', 'min ms', 'max ms', `× ${baseline}`]];
  for (const r of rows) {
    lines.push([r.name, r.median.toFixed(0), r.min.toFixed(0), r.max.toFixed(0), (r.median / base).toFixed(2)]);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) console.log('  ' + l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  return (name) => rows.find((r) => r.name === name).median / base;
}

const verdicts = [];
function verdict(label, ratio, target, extra = '') {
  if (ratio === undefined) {
    verdicts.push(`${label}: NOT MEASURED${extra ? ` (${extra})` : ''}`);
    return;
  }
  const ok = ratio <= target;
  verdicts.push(`${label}: ${ratio.toFixed(2)}× (target ≤ ${target}×) ${ok ? 'PASS' : 'FAIL'}${extra ? ` (${extra})` : ''}`);
}

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const lines = (text) => text.split('\n').filter(Boolean).sort();

/** Files the CLI found .env secrets in: the `dotenv` locations of its report. */
function dotenvFilesOf(json) {
  const report = JSON.parse(json);
  const files = new Set();
  for (const s of report.secrets ?? []) for (const l of s.locations ?? []) if (l.where === 'dotenv') files.add(l.file);
  return [...files].sort();
}

async function walkerBench() {
  const m = ensureWorkspace((s) => console.log(s));
  console.log(`\nwalker: ${m.ws}`);
  console.log(`  ${m.dirs} directories, ${m.files} files, ${m.nodeModulesFiles} more under node_modules, ${m.envFiles.length} .env files`);

  // The walker alone, bundled from src so it runs without a TypeScript loader.
  mkdirSync(BENCH_ROOT, { recursive: true });
  const walkJs = join(BENCH_ROOT, 'walk.mjs');
  await build({ entryPoints: [join(repo, 'src/adapters/walk.ts')], outfile: walkJs, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  const driver = join(BENCH_ROOT, 'walk-driver.mjs');
  writeFileSync(
    driver,
    `import { findEnvFiles } from ${JSON.stringify(walkJs)};\n` +
      `const r = await findEnvFiles(process.argv[2]);\n` +
      `process.stdout.write(r.files.join('\\n') + '\\n');\n` +
      `process.stderr.write(JSON.stringify({ dirsRead: r.dirsRead, filesSeen: r.filesSeen, errors: r.errors.length }) + '\\n');\n`,
  );

  const prune = PRUNED_NAMES.flatMap((n, i) => (i ? ['-o', '-name', n] : ['-name', n]));
  const findArgs = [m.ws, '(', ...prune, ')', '-prune', '-o', '-type', 'f', '(', '-name', '.env', '-o', '-name', '.env.*', '-o', '-name', '*.env', ')', '-print'];

  // Correctness first: both list exactly the expected files.
  const found = lines(timeRun('find', findArgs).stdout);
  const walked = timeRun(node, [driver, m.ws]);
  const walkedList = lines(walked.stdout);
  console.log(`  find lists ${found.length} files; walker lists ${walkedList.length} (${walked.stderr.trim()})`);
  const listsAgree = sameList(found, m.envFiles) && sameList(walkedList, found);
  if (!listsAgree) console.log('  MISMATCH between find, the walker and the expected list');

  const sides = [
    { name: 'find', cmd: 'find', args: findArgs, okStatus: (s) => s === 0 },
    { name: 'walker alone', cmd: node, args: [driver, m.ws], okStatus: (s) => s === 0 },
  ];
  let cliNote = '';
  if (existsSync(cli)) {
    const cliArgs = [cli, 'audit', '--json', '--no-home', '--workspace', m.ws];
    const first = timeRun(node, cliArgs);
    if (first.status !== 0 && first.status !== 1) {
      cliNote = `audit exited ${first.status}`;
      console.log(`  cli: ${cliNote}: ${first.stderr.slice(0, 500)}`);
    } else {
      // The .env files all hold a synthetic token, so each must show up as a dotenv location.
      // Example/sample/template files may be treated differently by the audit; they are listed apart.
      const reported = dotenvFilesOf(first.stdout);
      const isExample = (f) => /\.env\.(example|sample|template)$/.test(f);
      const missing = found.filter((f) => !reported.includes(f) && !isExample(f));
      const extra = reported.filter((f) => !found.includes(f));
      console.log(`  cli reports .env secrets in ${reported.length} files; missing ${missing.length}, not in find's list ${extra.length}`);
      if (missing.length || extra.length) {
        cliNote = 'cli .env list differs from find';
        for (const f of [...missing.map((x) => `missing ${x}`), ...extra.map((x) => `extra ${x}`)].slice(0, 10)) console.log(`    ${f}`);
      }
      sides.push({ name: 'cli audit', cmd: node, args: cliArgs, okStatus: (s) => s === 0 || s === 1 });
    }
  } else {
    cliNote = 'dist/cli.js not built';
  }

  console.log(`  ${RUNS} interleaved runs per side, warm cache:`);
  const ratioOf = table(interleave(sides), 'find');
  const hasCli = sides.some((s) => s.name === 'cli audit');
  verdict('walker: cli audit vs find', hasCli && !cliNote ? ratioOf('cli audit') : undefined, WALK_TARGET, cliNote);
  verdict('walker: walker alone vs find', listsAgree ? ratioOf('walker alone') : undefined, WALK_TARGET, listsAgree ? 'tuning aid; the CLI line is the target' : 'lists differ');
}

function startupBench() {
  const ws = ensureSmallWorkspace();
  console.log(`\ncold start: ${ws}`);
  const sides = [{ name: 'node -e 0', cmd: node, args: ['-e', '0'], okStatus: (s) => s === 0 }];
  if (!existsSync(cli)) {
    console.log('  dist/cli.js not built');
    verdict('cold start: cli audit vs node -e 0', undefined, START_TARGET, 'dist/cli.js not built');
    return;
  }
  sides.push({ name: 'cli audit', cmd: node, args: [cli, 'audit', '--json', '--no-home', '--workspace', ws], okStatus: (s) => s === 0 || s === 1 });
  // Each run is short (~0.1 s), so more of them: a median over few short runs swings with the machine's load.
  const runs = Math.max(21, RUNS * 3);
  console.log(`  ${runs} interleaved runs per side:`);
  const ratioOf = table(interleave(sides, runs), 'node -e 0');
  verdict('cold start: cli audit vs node -e 0', ratioOf('cli audit'), START_TARGET);
}

function launcherBench() {
  // It needs a keyring of its own, so it runs in a private one; more runs, as each is short.
  console.log('\nlauncher start-up (private keyring):');
  const runs = String(Math.max(21, RUNS * 3));
  const r = spawnSync('bash', [join(repo, 'scripts/with-keyring.sh'), node, join(repo, 'bench/launcher.mjs'), '--json', '--runs', runs], {
    cwd: repo,
    encoding: 'utf8',
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) {
    console.log(`  failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    verdict('launcher: mcp-harden-launch vs guide sh -c', undefined, 1.3, 'bench/launcher.mjs failed');
    return;
  }
  const result = JSON.parse(line);
  console.log(`  ${result.runs} interleaved runs per side:`);
  const ratioOf = table(result.rows, 'guide sh -c');
  verdict('launcher: mcp-harden-launch vs guide sh -c', ratioOf('launcher (installed)'), result.target);
}

function fixBench() {
  console.log('\nfix --yes on the demo sandbox (private keyring):');
  const r = spawnSync('bash', [join(repo, 'scripts/with-keyring.sh'), node, join(repo, 'bench/fix.mjs'), '--json', '--runs', String(Math.max(3, RUNS))], {
    cwd: repo,
    encoding: 'utf8',
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) {
    console.log(`  failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    verdict('fix --yes: wall time vs the 3 s budget', undefined, 1, 'bench/fix.mjs failed');
    return;
  }
  const result = JSON.parse(line);
  console.log(`  ${result.runs} runs: median ${result.fixMedianMs.toFixed(0)} ms (node -e 0 in the same run: ${result.nodeMedianMs.toFixed(0)} ms)`);
  verdict('fix --yes: wall time vs the 3 s budget', result.fixMedianMs / result.targetMs, 1);
}

function wizardBench() {
  console.log('\nwizard start-up on the demo sandbox (pty, private keyring):');
  const label = 'wizard: spawn to the server table vs node -e 0';
  const r = spawnSync('bash', [join(repo, 'scripts/with-keyring.sh'), node, join(repo, 'bench/wizard.mjs'), '--json', '--runs', String(Math.max(5, RUNS))], {
    cwd: repo,
    encoding: 'utf8',
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) {
    console.log(`  failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    verdict(label, undefined, 2.5, 'bench/wizard.mjs failed');
    return;
  }
  const result = JSON.parse(line);
  console.log(
    `  ${result.runs} interleaved runs: median ${result.wizardMedianMs.toFixed(0)} ms to the server table (Scan step drawn first in ${result.scanShown} of ${result.runs}); node -e 0: ${result.nodeMedianMs.toFixed(0)} ms`,
  );
  console.log(`  reference: a bundled hello-world Ink app's first frame, ${result.helloMedianMs.toFixed(0)} ms = ${result.helloRatio.toFixed(2)}× node -e 0; the wizard's table takes ${result.overHello.toFixed(2)}× that`);
  verdict(label, result.ratio, result.target);
}

console.log(`node ${process.version} (${node})`);
if (ONLY === 'all' || ONLY === 'walker') await walkerBench();
if (ONLY === 'all' || ONLY === 'startup') startupBench();
if (ONLY === 'all' || ONLY === 'launcher') launcherBench();
if (ONLY === 'all' || ONLY === 'fix') fixBench();
if (ONLY === 'all' || ONLY === 'wizard') wizardBench();
console.log('');
for (const v of verdicts) console.log(v);
// Any target that failed or could not be measured fails the run, so it is never mistaken for a pass.
process.exitCode = verdicts.every((v) => v.includes('PASS')) ? 0 : 1;
