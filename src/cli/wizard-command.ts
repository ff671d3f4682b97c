// `mcp-harden` on a terminal: mounts the Ink wizard over a runner and returns its exit code.
// This module brings Ink and React: load it lazily (other commands never pay for them) and inside
// withoutFetch (see there).
import { render } from 'ink';
import { createElement } from 'react';
import { EXIT } from '../core/errors.js';
import App from '../ui/App.js';
import type { Runner } from '../wizard/run.js';

export interface WizardIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  color: boolean;
}

/** True when the wizard can run: both ends must be a terminal. */
export function isInteractive(io: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } }): boolean {
  return Boolean(io.stdin.isTTY && io.stdout.isTTY);
}

/**
 * Mounts the wizard over `runner`, which the caller may have started already: the scan then runs
 * while this module loads. The first frame is drawn when the runner says it is worth it (the server
 * table after a quick scan, the scan's progress after a slow one).
 */
export async function runWizard(runner: Runner, io: WizardIo): Promise<number> {
  if (!isInteractive(io)) return EXIT.usage;
  // A signal from outside (kill -INT, a closing terminal, Ctrl+C before the first frame) is a cancel too.
  const onSignal = () => runner.store.dispatch({ type: 'command', command: 'cancel' });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    runner.start();
    await runner.firstFrame();
    return await mount(runner, io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function mount(runner: Runner, io: WizardIo): Promise<number> {
  const instance = render(createElement(App, { store: runner.store, color: io.color }), {
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    // Ctrl+C is a key like q: the machine decides (cancel, or stop between actions while applying).
    exitOnCtrlC: false,
    patchConsole: false,
  });
  runner.setFrameFlush(() => instance.waitUntilRenderFlush());
  const code = await runner.exited;
  await instance.waitUntilRenderFlush();
  instance.unmount();
  await instance.waitUntilExit().catch(() => {});
  return code;
}
