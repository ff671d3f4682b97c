// Prints the last line of `npm test`, `N passed, N failed[, N skipped]`, from vitest's JSON results,
// and exits 1 when anything failed. Failures that are not a single test (a test file that could not
// load, an error outside any test, a failed build or type-check step, a missing results file) each
// count as one failed, so the line never reads "0 failed" for a run that failed.
//
// Usage: node scripts/summary.mjs RESULTS.json [--vitest-exit CODE] [--failed-step NAME]...
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const resultsPath = args[0];
let vitestExit = 0;
const failedSteps = [];
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--vitest-exit') vitestExit = Number(args[++i]);
  else if (args[i] === '--failed-step') failedSteps.push(args[++i]);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

function finish() {
  for (const p of problems) console.log(`!! ${p}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

let report;
if (!resultsPath || !existsSync(resultsPath)) {
  problems.push(`no test results at ${resultsPath ?? '(none given)'}: the test run crashed or did not start`);
} else {
  try {
    report = JSON.parse(readFileSync(resultsPath, 'utf8'));
  } catch {
    problems.push(`test results at ${resultsPath} are not valid JSON: the test run crashed`);
  }
}

if (!report) {
  // Results missing: nothing is known to have passed.
  failed = 1 + failedSteps.length;
  for (const s of failedSteps) problems.push(`step failed: ${s}`);
  finish();
} else {
  for (const file of report.testResults ?? []) {
    let fileFailures = 0;
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') {
        failed++;
        fileFailures++;
      } else skipped++; // skipped, pending, todo
    }
    if (file.status === 'failed' && fileFailures === 0) {
      failed++;
      problems.push(`test file failed outside its tests: ${file.name}`);
    }
  }
  if (failed === 0 && (report.success === false || vitestExit !== 0)) {
    failed++;
    problems.push(`vitest exited ${vitestExit} with errors outside any test (see its output above)`);
  }
  for (const s of failedSteps) {
    failed++;
    problems.push(`step failed: ${s}`);
  }
  finish();
}
