// The Scopes step with two servers named "github" in two clients: two rows, each with its client,
// each turned off on its own, and no React key shared between them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PreparedFix } from '../../src/app/fix.js';
import { localChangesOf } from '../../src/wizard/data.js';
import { initialState, type Command, type WizardData, type WizardEvent, type WizardState } from '../../src/wizard/state.js';
import { transition } from '../../src/wizard/transition.js';
import { renderApp, type Rendered } from '../helpers/render.js';
import { readOnly, view } from '../helpers/twin-servers.js';

let mounted: Rendered[] = [];
afterEach(() => {
  for (const r of mounted) r.unmount();
  mounted = [];
  vi.restoreAllMocks();
});

const prepared = {
  plan: { workspace: view.workspace, actions: [readOnly('cursor', '/h/.cursor/mcp.json'), readOnly('gemini', '/h/.gemini/settings.json')], leftOver: [] },
} as unknown as PreparedFix;

const data: WizardData = {
  workspace: view.workspace,
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

function run(state: WizardState, events: (WizardEvent | Command)[]): WizardState {
  for (const e of events) state = transition(state, typeof e === 'string' ? { type: 'command', command: e } : e).state;
  return state;
}

describe('Scopes rows of same-named servers', () => {
  it('shows both with their clients; turning the first off leaves the second on', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const local = localChangesOf(prepared, view);
    let state = run(initialState, [{ type: 'init' }, { type: 'scan-done', data }]);
    // Enter through Servers and Trust to Scopes, then the local changes arrive.
    for (let i = 0; i < 4 && state.step !== 'scopes'; i++) state = run(state, ['accept']);
    state = run(state, [{ type: 'local-ready', local }, 'down', 'down', 'toggle']);
    expect(state.step).toBe('scopes');
    const r = await renderApp(state, { columns: 100, rows: 30 });
    mounted.push(r);
    const frame = r.lastFrame();
    expect(frame).toMatch(/\[ \] github\s+Cursor: read-only "github"/);
    expect(frame).toMatch(/\[x\] github\s+Gemini CLI: read-only "github"/);
    expect(errors.mock.calls.map((c) => String(c[0])).filter((m) => /same key/i.test(m))).toEqual([]);
  });
});
