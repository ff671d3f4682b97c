// The guided flows' questions (rotate, onboard) on a terminal: one Ink app for the whole flow,
// mounted here and driven by the calls of the flow through a small store (src/ui/flow/store.ts).
// Ink and React are loaded lazily, like the wizard's, so other commands never pay for them.
import { createElement } from 'react';
import type { Prompter } from '../wizard/prompter.js';
import { withoutFetch } from './without-fetch.js';

export interface InkPrompterIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  color: boolean;
}

export async function inkPrompter(io: InkPrompterIo, title: string): Promise<Prompter> {
  const [{ render }, { default: FlowApp }, { createFlow }] = await withoutFetch(() =>
    Promise.all([import('ink'), import('../ui/flow/FlowApp.js'), import('../ui/flow/store.js')]),
  );
  const flow = createFlow(title);
  const instance = render(createElement(FlowApp, { store: flow.store, color: io.color }), {
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    // Ctrl+C is a key: it cancels the open question (or the flow at its next call).
    exitOnCtrlC: false,
    patchConsole: false,
  });
  // A signal from outside (kill -INT, a closing terminal) cancels like Ctrl+C.
  const onSignal = () => flow.store.cancel();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      flow.dispose();
      try {
        // The last lines said must reach the terminal before Ink lets go of it.
        await instance.waitUntilRenderFlush();
        instance.unmount();
        await instance.waitUntilExit().catch(() => {});
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    })());
  return { ...flow.prompter, close };
}
