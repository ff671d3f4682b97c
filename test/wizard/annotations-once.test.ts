// The wizard reads tool annotations once for a set of trust choices: turning a local change off, or
// going on to the preview, plans again from what was read instead of starting the servers again.
import { describe, expect, it } from 'vitest';
import type { PreparedFix } from '../../src/app/fix.js';
import type { Action } from '../../src/core/plan.js';
import { createRunner, type WizardEngine } from '../../src/wizard/run.js';
import type { WizardData, WizardEvent } from '../../src/wizard/state.js';

const data: WizardData = {
  workspace: '/h/ws',
  ready: true,
  servers: [],
  secrets: [],
  files: [],
  providers: [],
  keychain: { available: true },
  interrupted: [],
  before: {},
  leftOver: [],
};

const action: Action = {
  kind: 'set-read-only',
  file: '/h/.gemini/settings.json',
  client: 'gemini',
  server: 'github',
  serverPath: ['mcpServers', 'github'],
  trust: 'limited',
  entry: 'github',
  env: { GITHUB_READ_ONLY: '1' },
  envPath: ['mcpServers', 'github', 'env'],
  args: [],
};

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('tool annotations in the wizard', () => {
  it('are read by the first plan that wants them and given to every later one', async () => {
    const asked: unknown[] = [];
    const read = { writeTools: new Map([['k', ['create_item']]]), notes: [] };
    const engine: WizardEngine = {
      view: { home: '/h', workspace: '/h/ws' },
      scan: () => new Promise(() => {}),
      async prepare(_levels, _progress, _trust, off, annotations) {
        asked.push(annotations);
        const actions = off?.size ? [] : [action];
        return { plan: { workspace: '/h/ws', actions, leftOver: [] }, values: [], ...(annotations === true ? { toolAnnotations: read } : {}) } as unknown as PreparedFix;
      },
      checkOnline: async () => [],
      preview: async () => [],
      apply: async () => {
        throw new Error('not in this test');
      },
    };
    const runner = createRunner(engine);
    const send = (...events: (WizardEvent | string)[]) => {
      for (const e of events) runner.store.dispatch(typeof e === 'string' ? ({ type: 'command', command: e } as WizardEvent) : e);
    };
    send({ type: 'init' }, { type: 'scan-done', data });
    while (runner.store.getState().step !== 'scopes') send('accept');
    await settle();
    send({ type: 'set-annotations', on: true });
    await settle();
    // The local change row (after the two opt-in rows) turned off, then on to the preview.
    send('down', 'down', 'toggle', 'accept', 'accept', 'accept');
    await settle();
    expect(runner.effects.map((e) => e.type)).toContain('preview');
    expect(asked).toEqual([false, true, read]);
  });
});
