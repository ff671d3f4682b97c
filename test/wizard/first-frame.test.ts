// When the wizard draws its first frame: a quick scan opens on the server table, a slow one shows
// its progress after a short wait, and a cancel before either is not lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, type WizardEngine } from '../../src/wizard/run.js';
import { sandboxEngine, type SandboxEngine } from './sandbox-engine.js';

describe('the first frame', () => {
  let env: SandboxEngine;
  beforeAll(() => {
    env = sandboxEngine();
  });
  afterAll(() => env.cleanup());

  /** The sandbox engine with a scan that never ends, and a count of the scans asked for. */
  const stuck = () => {
    let scans = 0;
    const engine: WizardEngine = {
      ...env.engine,
      scan: () => {
        scans++;
        return new Promise(() => {});
      },
    };
    return { engine, scans: () => scans };
  };

  it('is the server table when the scan ends before the wait for it', async () => {
    const runner = createRunner(env.engine, { scanFrameAfterMs: 60_000 });
    runner.start();
    await runner.firstFrame();
    expect(runner.store.getState().step).toBe('servers');
  });

  it('is the scan in progress when the scan outlasts the wait', async () => {
    const { engine, scans } = stuck();
    const runner = createRunner(engine, { scanFrameAfterMs: 30 });
    const t0 = Date.now();
    runner.start();
    runner.start();
    await runner.firstFrame();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(runner.store.getState().step).toBe('scan');
    expect(scans()).toBe(1);
  });

  it('comes at once for a cancel during the scan, and shows the cancel', async () => {
    const runner = createRunner(stuck().engine, { scanFrameAfterMs: 60_000 });
    runner.start();
    setTimeout(() => runner.store.dispatch({ type: 'command', command: 'cancel' }), 10);
    await runner.firstFrame();
    expect(runner.store.getState().step).toBe('cancelled');
    await expect(runner.exited).resolves.toBe(130);
  });
});
