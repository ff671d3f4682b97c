// The guided flows' questions for `--plain`: line-by-line prompts with @inquirer/prompts (loaded
// only in this mode, never together with Ink), for screen readers and simple terminals. Nothing is
// coloured or animated: a tone is a word or a symbol at the start of its line.
import { FlowCancelled, type PromptChoice, type Prompter, type Tone } from '../wizard/prompter.js';

export interface PlainPrompterIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/** Progress of a task is printed at most this often, as whole lines. */
export const PROGRESS_EVERY_MS = 2000;

const PREFIX: Record<Tone, string> = { plain: '', title: '', ok: '✓ ', warn: 'Warning: ', error: 'Error: ', muted: '' };

/** Ctrl+C in a prompt (inquirer's own errors have these names). */
function isPromptExit(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

async function asked<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if (isPromptExit(err)) throw new FlowCancelled();
    throw err;
  }
}

export function plainPrompter(io: PlainPrompterIo, opts: { now?: () => number } = {}): Prompter {
  const now = opts.now ?? Date.now;
  const print = (text: string) => void io.stdout.write(text + '\n');
  const context = { input: io.stdin, output: io.stdout };
  return {
    say(text, tone = 'plain') {
      // A title starts a new section: a blank line before it is what a listener hears as a pause.
      if (tone === 'title') print('');
      for (const line of text.split('\n')) print(PREFIX[tone] + line);
    },
    select<T>(q: { message: string; choices: PromptChoice<T>[] }) {
      return asked(async () => {
        const { select } = await import('@inquirer/prompts');
        const choices = q.choices.map((c, i) => ({
          name: i === 0 ? `${c.name} (recommended)` : c.name,
          value: c.value,
          ...(c.hint ? { description: c.hint } : {}),
        }));
        return select<T>({ message: q.message, choices, default: q.choices[0]?.value, pageSize: 12 }, context);
      });
    },
    secret(q: { message: string; validate?(value: string): true | string }) {
      return asked(async () => {
        const { password } = await import('@inquirer/prompts');
        return password(
          {
            message: q.message,
            // No mask: a screen reader would read one "star" per character of a 40-character
            // paste; without a mask inquirer says "[input is masked]" once and echoes nothing,
            // not even the length, like sudo. Ctrl+T would show the value in clear: off.
            mask: false,
            toggleMask: false,
            ...(q.validate ? { validate: q.validate } : {}),
          },
          context,
        );
      });
    },
    confirm(q: { message: string; default: boolean }) {
      return asked(async () => {
        const { confirm } = await import('@inquirer/prompts');
        return confirm({ message: q.message, default: q.default }, context);
      });
    },
    async task<T>(label: string, work: (update: (text: string) => void, stop: AbortSignal) => Promise<T>): Promise<T> {
      print(`${label}…`);
      // Ctrl+C while no prompt is open: the work stops between its steps (the prompt's own Ctrl+C cancels a question).
      const stop = new AbortController();
      const onSigint = () => {
        print('Stopping after the current step…');
        stop.abort();
      };
      process.once('SIGINT', onSigint);
      let last = now();
      const update = (text: string) => {
        // Lines, not a redrawn status: at most one every PROGRESS_EVERY_MS, so a reader keeps up.
        if (now() - last < PROGRESS_EVERY_MS) return;
        last = now();
        print(`  ${text}`);
      };
      try {
        const result = await work(update, stop.signal);
        print(`${PREFIX.ok}${label}: done`);
        return result;
      } catch (err) {
        print(`${PREFIX.error}${label}: failed`);
        throw err;
      } finally {
        process.off('SIGINT', onSigint);
      }
    },
    // Each prompt gives the terminal back when it is answered: nothing is left to restore.
    async close() {},
  };
}
