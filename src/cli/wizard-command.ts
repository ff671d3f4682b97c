// `mcp-harden` on a terminal: mounts the Ink wizard over the runner and returns its exit code.
// Ink and React are loaded here, lazily, so that other commands never pay for them.
import { createElement } from 'react';
import { EXIT } from '../core/errors.js';
import { createRunner, type WizardEngine } from '../wizard/run.js';
import { withoutFetch } from './without-fetch.js';

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

export async function runWizard(engine: WizardEngine, io: WizardIo): Promise<number> {
  if (!isInteractive(io)) return EXIT.usage;
  // The scan starts at once, as an effect, and runs while Ink loads: the state it reaches is what
  // the first frame shows.
  const runner = createRunner(engine);
  runner.start();
  const [{ render }, { default: App }] = await withoutFetch(() => Promise.all([import('ink'), import('../ui/App.js')]));
  const instance = render(createElement(App, { store: runner.store, color: io.color }), {
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    // Ctrl+C is a key like q: the machine decides (cancel, or stop between actions while applying).
    exitOnCtrlC: false,
    patchConsole: false,
  });
  // A signal from outside (kill -INT, a closing terminal) is a cancel too.
  const onSignal = () => runner.store.dispatch({ type: 'command', command: 'cancel' });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await runner.exited;
    await instance.waitUntilRenderFlush();
    instance.unmount();
    await instance.waitUntilExit().catch(() => {});
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
