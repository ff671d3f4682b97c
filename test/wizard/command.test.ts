import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isInteractive, runWizard } from '../../src/cli/wizard-command.js';
import { demoChild, DEMO_BUS_ENV, DEMO_SANDBOX_ENV, missingKeyringTools } from '../../src/demo/keyring.js';
import { createRunner, type WizardEngine } from '../../src/wizard/run.js';

describe('wizard command', () => {
  it('refuses with exit 2 when stdin or stdout is not a terminal, before touching the engine', async () => {
    const untouched = new Proxy({} as WizardEngine, {
      get() {
        throw new Error('the engine must not be used without a terminal');
      },
    });
    const stream = new PassThrough() as unknown as NodeJS.ReadStream & NodeJS.WriteStream;
    expect(isInteractive({ stdin: { isTTY: true }, stdout: {} })).toBe(false);
    const runner = createRunner(untouched);
    expect(await runWizard(runner, { stdin: stream, stdout: stream, stderr: stream, color: false })).toBe(2);
    expect(runner.effects).toEqual([]);
  });
});

describe('demo keyring', () => {
  const sandbox = JSON.stringify({ root: '/tmp/s', home: '/tmp/s/home', workspace: '/tmp/s/ws', env: {} });
  it('runs as the demo child only on the private bus its parent set up', () => {
    expect(demoChild({ [DEMO_SANDBOX_ENV]: sandbox, [DEMO_BUS_ENV]: 'unix:path=/x', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' })).toMatchObject({ home: '/tmp/s/home' });
    // A stray variable on the user's own bus must not count.
    expect(demoChild({ [DEMO_SANDBOX_ENV]: sandbox, [DEMO_BUS_ENV]: 'unix:path=/x', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/real' })).toBeNull();
    expect(demoChild({ [DEMO_SANDBOX_ENV]: sandbox })).toBeNull();
    expect(demoChild({ [DEMO_SANDBOX_ENV]: '{', [DEMO_BUS_ENV]: 'a', DBUS_SESSION_BUS_ADDRESS: 'a' })).toBeNull();
  });

  it('has no private keyring off Linux', () => {
    expect(missingKeyringTools('darwin')).toContain('gnome-keyring-daemon');
  });
});
