import { describe, expect, it } from 'vitest';
import { initialState, recommendedLevels, type Command, type Effect, type WizardData, type WizardEvent, type WizardState } from '../../src/wizard/state.js';
import { transition, trustChanges } from '../../src/wizard/transition.js';

/** The identity key of a declaration, as the plan keys trust levels. */
const keyOf = (name: string, file = '/h/.cursor/mcp.json', client = 'cursor') => `${file}\0${client}\0${name}`;

const server = (name: string, suggested: 'trusted' | 'limited' | 'untrusted', launch = `npx ${name}`) => ({
  id: `${name}\0${launch}`,
  name,
  clients: ['cursor' as const],
  scopes: ['user' as const],
  transport: 'stdio' as const,
  launch,
  declared: [{ client: 'cursor' as const, scope: 'user' as const, file: '~/.cursor/mcp.json', line: 1, key: keyOf(name) }] as WizardData['servers'][number]['declared'],
  envKeys: [],
  headerKeys: [],
  secrets: [],
  findings: [],
  trust: { suggested, publisher: 'unknown', pinned: true, transportNote: 'local (stdio)', secretsHeld: 0, reason: 'test' },
});

const data: WizardData = {
  workspace: '/w',
  ready: true,
  servers: [server('a', 'trusted'), server('b', 'untrusted')],
  secrets: [
    { fingerprint: 'f1', masked: 'ghp_…(40)', provider: 'github', kind: 'pat', account: 'GH', recommended: 2, used: true, servers: ['a'], files: ['x'] },
    { fingerprint: 'f2', masked: '…(32)', provider: 'generic', kind: 'key', account: 'K', recommended: 1, used: false, servers: [], files: ['.env'] },
  ],
  files: [],
  providers: [],
  keychain: { available: true },
  interrupted: [],
  before: {},
  leftOver: [],
};
const preview = { actions: 3, labels: ['one', 'two', 'three'], diffs: [] };

/** Runs events from a state; returns the final state and every effect. */
function run(state: WizardState, events: (WizardEvent | Command)[]): { state: WizardState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const e of events) {
    const t = transition(state, typeof e === 'string' ? { type: 'command', command: e } : e);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

const at = (events: (WizardEvent | Command)[]) => run(initialState, [{ type: 'init' }, { type: 'scan-done', data }, ...events]).state;

describe('transition', () => {
  it('starts the scan as an effect and moves to Servers by itself when it is done', () => {
    const t = transition(initialState, { type: 'init' });
    expect(t.effects).toEqual([{ type: 'start-scan' }]);
    const p = transition(t.state, { type: 'scan-progress', progress: { phase: 'workspace', filesRead: 3, dirsRead: 2, servers: 1, secrets: 1 } });
    expect(p.state).toMatchObject({ step: 'scan', progress: { filesRead: 3 } });
    expect(transition(p.state, { type: 'scan-done', data }).state).toMatchObject({ step: 'servers', cursor: 2, details: false });
  });

  // Each step × each command: the next step (or the same one) and the effects.
  const table: [string, (WizardEvent | Command)[], Command, Partial<Record<string, unknown>>, Effect[]][] = [
    ['servers on Continue', [], 'accept', { step: 'trust', cursor: 0 }, []],
    ['servers on a row', ['up'], 'accept', { step: 'servers', cursor: 1, details: true }, []],
    ['servers details', ['up', 'accept'], 'back', { step: 'servers', details: false }, []],
    ['servers details', ['up', 'accept'], 'accept', { step: 'servers', details: false }, []],
    ['servers', [], 'down', { step: 'servers', cursor: 2 }, []],
    ['servers', [], 'back', { step: 'servers' }, []],
    ['servers', [], 'cancel', { step: 'cancelled' }, [{ type: 'exit', code: 130 }]],
    ['trust', ['accept'], 'right', { step: 'trust', trust: { [data.servers[0]!.id]: 'limited', [data.servers[1]!.id]: 'untrusted' } }, []],
    ['trust', ['accept'], 'left', { step: 'trust', trust: { [data.servers[0]!.id]: 'untrusted', [data.servers[1]!.id]: 'untrusted' } }, []],
    ['trust', ['accept'], 'accept', { step: 'scopes', local: 'loading' }, [{ type: 'local-changes', levels: { f1: 2, f2: 1 }, trust: {}, annotations: false }]],
    ['trust', ['accept'], 'back', { step: 'servers', cursor: 2 }, []],
    ['trust', ['accept'], 'cancel', { step: 'cancelled' }, [{ type: 'exit', code: 130 }]],
    ['scopes', ['accept', 'accept'], 'accept', { step: 'files' }, []],
    ['scopes', ['accept', 'accept'], 'back', { step: 'trust' }, []],
    ['files', ['accept', 'accept', 'accept'], 'accept', { step: 'keychain', preview: null }, []],
    ['files', ['accept', 'accept', 'accept'], 'back', { step: 'scopes', local: 'loading' }, [{ type: 'local-changes', levels: { f1: 2, f2: 1 }, trust: {}, annotations: false }]],
    ['files', ['accept', 'accept', 'accept'], 'toggle', { step: 'files' }, []],
    ['keychain', ['accept', 'accept', 'accept', 'accept'], 'toggle', { step: 'keychain', levels: { f1: 1, f2: 1 } }, []],
    ['keychain', ['accept', 'accept', 'accept', 'accept', 'down'], 'right', { step: 'keychain', levels: { f1: 2, f2: 2 } }, []],
    ['keychain', ['accept', 'accept', 'accept', 'accept'], 'accept', { step: 'keychain', preview: 'loading' }, [{ type: 'preview', levels: { f1: 2, f2: 1 }, trust: {}, off: [], annotations: false }]],
    ['keychain', ['accept', 'accept', 'accept', 'accept'], 'back', { step: 'files' }, []],
    ['keychain', ['accept', 'accept', 'accept', 'accept'], 'cancel', { step: 'cancelled' }, [{ type: 'exit', code: 130 }]],
    ['keychain preview', ['accept', 'accept', 'accept', 'accept', 'accept', { type: 'preview-ready', preview }], 'accept', { step: 'confirm', preview }, []],
    ['keychain preview', ['accept', 'accept', 'accept', 'accept', 'accept', { type: 'preview-ready', preview }], 'back', { step: 'keychain', preview: null }, []],
    ['confirm', ['accept', 'accept', 'accept', 'accept', 'accept', { type: 'preview-ready', preview }, 'accept'], 'back', { step: 'keychain', preview }, []],
    ['confirm', ['accept', 'accept', 'accept', 'accept', 'accept', { type: 'preview-ready', preview }, 'accept'], 'cancel', { step: 'cancelled' }, [{ type: 'exit', code: 130 }]],
    ['confirm', ['accept', 'accept', 'accept', 'accept', 'accept', { type: 'preview-ready', preview }, 'accept'], 'accept', { step: 'applying', stopping: false }, [{ type: 'apply', levels: { f1: 2, f2: 1 }, trust: {}, off: [], annotations: false }]],
    ['applying', ['accept', 'accept', 'accept', 'accept', 'accept', { type: 'preview-ready', preview }, 'accept', 'accept'], 'cancel', { step: 'applying', stopping: true }, [{ type: 'stop-apply' }]],
    ['applying', ['accept', 'accept', 'accept', 'accept', 'accept', { type: 'preview-ready', preview }, 'accept', 'accept'], 'accept', { step: 'applying', stopping: false }, []],
    ['help', [], 'help', { step: 'servers', help: true }, []],
  ];
  it.each(table)('%s + %s → expected state and effects', (_name, before, cmd, expected, effects) => {
    const state = at(before);
    const t = transition(state, { type: 'command', command: cmd });
    expect(t.state).toMatchObject(expected);
    expect(t.effects).toEqual(effects);
  });

  it('the servers show as soon as the scan is done; Enter on Trust before the plan waits for it, then opens Scopes', () => {
    const partial: WizardData = { ...data, ready: false, secrets: [], files: [], providers: [] };
    const servers = run(initialState, [{ type: 'init' }, { type: 'servers-ready', data: partial }]).state;
    expect(servers).toMatchObject({ step: 'servers', data: { ready: false }, levels: {} });
    const trust = run(servers, ['accept']).state;
    expect(trust.step).toBe('trust');
    // A trust change made before the plan arrives is kept.
    const changed = run(trust, ['right']).state;
    const waiting = transition(changed, { type: 'command', command: 'accept' });
    expect(waiting.state).toMatchObject({ step: 'trust', waitingForPlan: true });
    expect(waiting.effects).toEqual([]);
    const done = transition(waiting.state, { type: 'scan-done', data });
    expect(done.state).toMatchObject({ step: 'scopes', local: 'loading', data: { ready: true }, levels: recommendedLevels(data) });
    expect((done.state as Extract<WizardState, { step: 'scopes' }>).trust[data.servers[0]!.id]).toBe('limited');
    expect(done.effects).toEqual([{ type: 'local-changes', levels: recommendedLevels(data), trust: { [keyOf('a')]: 'limited' }, annotations: false }]);
    // Without a pending Enter, the plan only completes the data under the current step.
    const quiet = transition(trust, { type: 'scan-done', data });
    expect(quiet.state).toMatchObject({ step: 'trust', data: { ready: true } });
    expect(quiet.effects).toEqual([]);
  });

  it('Enter alone reaches the apply effect with the recommended levels', () => {
    const enters = (n: number): Command[] => Array.from({ length: n }, () => 'accept');
    const { state, effects } = run(initialState, [{ type: 'init' }, { type: 'scan-done', data }, ...enters(5), { type: 'preview-ready', preview }, ...enters(2)]);
    expect(state.step).toBe('applying');
    expect(effects).toEqual([
      { type: 'start-scan' },
      { type: 'local-changes', levels: recommendedLevels(data), trust: {}, annotations: false },
      { type: 'preview', levels: recommendedLevels(data), trust: {}, off: [], annotations: false },
      { type: 'apply', levels: recommendedLevels(data), trust: {}, off: [], annotations: false },
    ]);
    expect(recommendedLevels(data)).toEqual({ f1: 2, f2: 1 });
  });

  it('Space on a local change in Scopes turns it off; it travels with the preview and apply effects; Space again turns it back on', () => {
    const local = [
      { key: 'pin-version\0b', server: 'b', label: 'pin "b" to b@1.0.0', why: 'the version this machine runs now' },
      { key: 'set-read-only\0b', server: 'b', label: 'read-only "b": --read-only', why: 'an untrusted server gets no tool that changes anything' },
    ];
    const scopes = at(['accept', 'accept', { type: 'local-ready', local }]);
    expect(scopes).toMatchObject({ step: 'scopes', local, localOff: [] });
    // Rows: the two opt-in checks, then the local changes.
    const off = run(scopes, ['down', 'down', 'down', 'toggle']).state;
    expect(off).toMatchObject({ step: 'scopes', cursor: 3, localOff: ['set-read-only\0b'] });
    expect(run(off, ['down', 'down']).state).toMatchObject({ cursor: 3 });
    const { effects } = run(off, ['accept', 'accept', 'accept']);
    expect(effects.at(-1)).toEqual({ type: 'preview', levels: recommendedLevels(data), trust: {}, off: ['set-read-only\0b'], annotations: false });
    expect(run(off, ['toggle']).state).toMatchObject({ localOff: [] });
    const back = run(off, ['accept', 'back']);
    expect(back.state).toMatchObject({ step: 'scopes', local: 'loading', localOff: ['set-read-only\0b'] });
    expect(back.effects).toEqual([{ type: 'local-changes', levels: recommendedLevels(data), trust: {}, annotations: false }]);
    expect(transition(scopes, { type: 'set-local', key: 'pin-version\0b', on: false }).state).toMatchObject({ localOff: ['pin-version\0b'] });
    expect(transition(scopes, { type: 'set-local', key: 'nope', on: false }).state).toBe(scopes);
  });

  it('the opt-in checks: tool annotations re-plan the local changes; the online check runs once and its lines stay', () => {
    const scopes = at(['accept', 'accept', { type: 'local-ready', local: [] }]);
    const ann = transition(scopes, { type: 'command', command: 'toggle' });
    expect(ann.state).toMatchObject({ step: 'scopes', annotations: true, local: 'loading' });
    expect(ann.effects).toEqual([{ type: 'local-changes', levels: recommendedLevels(data), trust: {}, annotations: true }]);
    const ready = transition(ann.state, { type: 'local-ready', local: [] }).state;
    const { effects } = run(ready, ['accept', 'accept', 'accept']);
    expect(effects.at(-1)).toMatchObject({ type: 'preview', annotations: true });

    const checking = run(scopes, ['down', 'toggle']);
    expect(checking.state).toMatchObject({ online: 'checking' });
    expect(checking.effects).toEqual([{ type: 'check-online', levels: recommendedLevels(data), trust: {} }]);
    expect(transition(checking.state, { type: 'command', command: 'toggle' }).effects).toEqual([]);
    const lines = [{ tone: 'bad' as const, text: 'GitHub token given to limited server "a" has admin:org' }];
    const done = transition(checking.state, { type: 'online-ready', lines }).state;
    expect(done).toMatchObject({ online: lines });
    // The result stays with the choices through the later steps.
    expect(run(done, ['accept', 'back']).state).toMatchObject({ step: 'scopes', online: lines });
    expect(transition(scopes, { type: 'check-online' }).state).toMatchObject({ online: 'checking' });
    expect(transition(scopes, { type: 'set-annotations', on: true }).state).toMatchObject({ annotations: true, local: 'loading' });
  });

  it('a changed row gives its level to each declaration it stands for, never to a row of the same name', () => {
    const shared = { ...server('github', 'limited'), clients: ['cursor' as const, 'claude-code' as const] };
    shared.declared = [...shared.declared, { client: 'claude-code', scope: 'project', file: '.mcp.json', line: 2, key: keyOf('github', '/w/.mcp.json', 'claude-code') }];
    const gemini = { ...server('github', 'limited', 'github-mcp-server stdio --log-file=/tmp/x') };
    gemini.declared = [{ client: 'gemini', scope: 'user', file: '~/.gemini/settings.json', line: 3, key: keyOf('github', '/h/.gemini/settings.json', 'gemini') }];
    const rows = { ...data, servers: [shared, gemini] };
    expect(trustChanges({ data: rows, trust: { [shared.id]: 'limited', [gemini.id]: 'limited' } })).toEqual({});
    expect(trustChanges({ data: rows, trust: { [shared.id]: 'untrusted', [gemini.id]: 'limited' } })).toEqual({
      [keyOf('github')]: 'untrusted',
      [keyOf('github', '/w/.mcp.json', 'claude-code')]: 'untrusted',
    });
  });

  it('a row suggested from the team policy: its level reaches the declarations the policy does not record; a change reaches all', () => {
    const row = { ...server('github', 'limited'), declared: [] as WizardData['servers'][number]['declared'] };
    row.declared = [
      { client: 'claude-code', scope: 'project', file: '.mcp.json', line: 1, key: keyOf('github', '/w/.mcp.json', 'claude-code'), recorded: 'limited' },
      { client: 'cursor', scope: 'user', file: '~/.cursor/mcp.json', line: 1, key: keyOf('github') },
    ];
    const rows = { ...data, servers: [row] };
    expect(trustChanges({ data: rows, trust: { [row.id]: 'limited' } })).toEqual({ [keyOf('github')]: 'limited' });
    expect(trustChanges({ data: rows, trust: { [row.id]: 'untrusted' } })).toEqual({ [keyOf('github', '/w/.mcp.json', 'claude-code')]: 'untrusted', [keyOf('github')]: 'untrusted' });
  });

  it('a trust level the user changes travels, by declaration, with the preview and apply effects', () => {
    const first = data.servers[0]!;
    const other = first.trust.suggested === 'untrusted' ? 'limited' : 'untrusted';
    const start = run(initialState, [{ type: 'init' }, { type: 'scan-done', data }, 'accept']).state;
    expect(start.step).toBe('trust');
    const changed = (start as Extract<WizardState, { step: 'trust' }>).trust;
    const state = { ...(start as Extract<WizardState, { step: 'trust' }>), trust: { ...changed, [first.id]: other } };
    const { effects } = run(state as WizardState, ['accept', 'accept', 'accept', 'accept']);
    expect(effects.at(-1)).toMatchObject({ type: 'preview', trust: { [first.declared[0]!.key]: other } });
  });

  it('cancelling at any step before Confirm emits no apply effect and exits 130', () => {
    for (let n = 0; n <= 6; n++) {
      const events: (WizardEvent | Command)[] = [{ type: 'init' }, { type: 'scan-done', data }];
      for (let i = 0; i < n; i++) events.push(i === 5 ? { type: 'preview-ready', preview } : 'accept');
      const { effects } = run(initialState, [...events, 'cancel']);
      expect(effects.some((e) => e.type === 'apply')).toBe(false);
      expect(effects.at(-1)).toEqual({ type: 'exit', code: 130 });
    }
    expect(run(initialState, [{ type: 'init' }, 'cancel']).effects.at(-1)).toEqual({ type: 'exit', code: 130 });
  });

  it('a stale preview after going back is ignored, and apply-done leads to the summary whose Enter exits with its code', () => {
    const back = at(['accept', 'accept', 'accept', 'accept', 'back']);
    expect(transition(back, { type: 'preview-ready', preview }).state).toBe(back);
    const applying = at(['accept', 'accept', 'accept', 'accept', 'accept', { type: 'preview-ready', preview }, 'accept', 'accept']);
    const ev = transition(applying, { type: 'apply-event', event: { type: 'done', seq: 1, subSteps: ['stored', 'read back'] } }).state;
    expect(ev).toMatchObject({ lines: [{ status: 'pending' }, { status: 'done', subSteps: ['stored', 'read back'] }, { status: 'pending' }] });
    const summary = { runId: 'R', done: 3, skipped: 0, failed: [], cancelled: false, after: {}, restart: [], cameBack: [], exitCode: 0 };
    const done = transition(ev, { type: 'apply-done', summary }).state;
    expect(done.step).toBe('summary');
    expect(transition(done, { type: 'command', command: 'accept' }).effects).toEqual([{ type: 'exit', code: 0 }]);
  });

  it('an engine failure shows the error step, whose Enter exits with the error code', () => {
    const e = transition(initialState, { type: 'failed', message: 'keychain locked', code: 10 }).state;
    expect(e).toMatchObject({ step: 'error', code: 10 });
    expect(transition(e, { type: 'command', command: 'accept' }).effects).toEqual([{ type: 'exit', code: 10 }]);
  });
});
