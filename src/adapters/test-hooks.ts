// Crash points for tests: with MCP_HARDEN_TEST_HOOKS=1 and MCP_HARDEN_TEST_CRASH=<point>[@N], the
// process kills itself with SIGKILL the Nth time (default: the first) it reaches that point, so a
// test can check what a crash at that moment leaves on disk. Several points may be given, comma
// separated. Without the variables this does nothing.

const reached = new Map<string, number>();

export function crashPoint(name: string): void {
  if (process.env['MCP_HARDEN_TEST_HOOKS'] !== '1') return;
  const spec = process.env['MCP_HARDEN_TEST_CRASH'];
  if (spec === undefined || spec === '') return;
  const count = (reached.get(name) ?? 0) + 1;
  reached.set(name, count);
  for (const part of spec.split(',')) {
    const [point, nth] = part.trim().split('@');
    if (point === name && count === (nth === undefined ? 1 : Number(nth))) {
      process.kill(process.pid, 'SIGKILL');
    }
  }
}

/**
 * With MCP_HARDEN_TEST_HOOKS=1 and MCP_HARDEN_TEST_SLOW_SCAN_MS=<ms>, the wizard's scan takes at
 * least that long, so a test or a screenshot sees the progress frame a slow machine would show.
 * 0 otherwise.
 */
export function slowScanMs(): number {
  if (process.env['MCP_HARDEN_TEST_HOOKS'] !== '1') return 0;
  const ms = Number(process.env['MCP_HARDEN_TEST_SLOW_SCAN_MS'] ?? 0);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
