import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { prepareFix } from '../../src/app/fix.js';
import { createRunner } from '../../src/wizard/run.js';
import { localChangesOf, wizardData, previewOf } from '../../src/wizard/data.js';
import { transition } from '../../src/wizard/transition.js';
import { initialState, type Command, type WizardEvent, type WizardState } from '../../src/wizard/state.js';
import { renderApp, widest, type Rendered } from '../helpers/render.js';
import { sandboxEngine, type SandboxEngine } from '../wizard/sandbox-engine.js';

let mounted: Rendered[] = [];
afterEach(() => {
  for (const r of mounted) r.unmount();
  mounted = [];
});
const mount = async (...args: Parameters<typeof renderApp>) => {
  const r = await renderApp(...args);
  mounted.push(r);
  return r;
};

function noSecretIn(frames: string[], values: string[]): void {
  for (const frame of frames) {
    for (const v of values) {
      // A failing assertion must not print the value: compare booleans.
      expect(frame.includes(v)).toBe(false);
    }
  }
}

describe('the wizard over a real sandbox, Enter only', () => {
  let env: SandboxEngine;
  beforeAll(() => {
    env = sandboxEngine();
  });
  afterAll(() => env.cleanup());

  it('draws the first frame before the scan finishes, applies exactly the plan of `fix --yes`, and never shows a secret', async () => {
    // What `fix --yes` would apply, computed first (read-only).
    const expected = await prepareFix(env.deps, env.opts);
    const runner = createRunner(env.engine);
    const r = await mount(runner.store, { columns: 80, rows: 24 });
    expect(r.lastFrame()).toContain('1/9 Scan');
    runner.start();
    // The scan runs as an effect, after the first frame.
    expect(r.lastFrame()).toContain('Read-only: nothing is changed');
    await r.waitFor((f) => f.includes('2/9 Servers'));
    const titles = ['3/9 Trust', '4/9 Scopes', '5/9 Files', '6/9 Keychain', 'will change', '7/9 Confirm', '9/9 Summary'];
    for (const t of titles) {
      await r.press('enter');
      await r.waitFor((f) => f.includes(t), 20_000);
    }
    expect(r.lastFrame()).toMatch(/Done: \d+ done, 0 skipped, 0 failed/);
    expect(r.lastFrame()).toMatch(/mcp-harden undo \d{8}-\d{6}-[0-9a-f]+/);
    await r.press('enter');
    await expect(runner.exited).resolves.toBe(0);

    expect(env.applied).toHaveLength(1);
    expect(env.applied[0]!.plan).toEqual(expected.plan);
    expect(runner.effects.filter((e) => e.type === 'apply')).toEqual([
      { type: 'apply', levels: Object.fromEntries(expected.secrets.map((s) => [s.fingerprint, s.level])), trust: {}, off: [], annotations: false },
    ]);
    expect(env.store.size).toBeGreaterThan(0);

    const frames = r.frames();
    expect(frames.some((f) => f.includes('stored ✓ read back ✓'))).toBe(true);
    noSecretIn(frames, env.values);
    for (const f of frames) expect(widest(f)).toBeLessThanOrEqual(80);
  }, 60_000);
});

describe('each step, from a real sandbox scan', () => {
  let env: SandboxEngine;
  const states: Record<string, WizardState> = {};
  beforeAll(async () => {
    env = sandboxEngine();
    const prepared = await env.engine.prepare(undefined, () => {});
    const data = wizardData(prepared, env.engine.view);
    const preview = previewOf(prepared, await env.engine.preview(prepared), env.engine.view);
    let s = transition(initialState, { type: 'init' }).state;
    const step = (...events: (WizardEvent | Command)[]) => {
      for (const e of events) s = transition(s, typeof e === 'string' ? { type: 'command', command: e } : e).state;
      return s;
    };
    states.scan = step({ type: 'scan-progress', progress: { phase: 'workspace', filesRead: 7, dirsRead: 3, servers: 12, secrets: 9 } });
    states.servers = step({ type: 'scan-done', data });
    states.details = step('up', 'accept');
    states.trust = step('back', 'down', 'accept');
    states.scopes = step('accept', { type: 'local-ready', local: localChangesOf(prepared, env.engine.view) });
    states.scopesProvider = step('down', 'down', 'down');
    // Back on Trust once the tool annotations were read: the evidence says which tools may write.
    const gh = data.servers.find((x) => x.name === 'github')!;
    const back = transition(
      transition({ ...(s as Extract<WizardState, { step: 'scopes' }>), local: 'loading' }, { type: 'local-ready', local: [], tools: { [gh.declared[0]!.key]: ['create_issue', 'merge_pull_request'] } }).state,
      { type: 'command', command: 'back' },
    ).state;
    states.trustTools = { ...(back as Extract<WizardState, { step: 'trust' }>), cursor: data.servers.indexOf(gh) };
    states.files = step('accept');
    states.keychain = step('accept');
    states.diff = step('accept', { type: 'preview-ready', preview });
    states.confirm = step('accept');
    states.applying = step('accept', { type: 'apply-event', event: { type: 'done', seq: 0, subSteps: ['mode set'] } });
    states.summary = step({
      type: 'apply-done',
      summary: { runId: '20260101-000000-abcd', done: 3, skipped: 0, failed: [], cancelled: false, after: { 'plaintext-secret': 1 }, restart: ['cursor'], cameBack: [], exitCode: 0 },
    });
  }, 30_000);
  afterAll(() => env.cleanup());

  const expectations: [string, RegExp][] = [
    ['scan', /7 files read · 3 directories · 12 servers · 9 secrets found/],
    ['servers', /server\s+clients\s+scope\s+via\s+trust\s+findings[\s\S]*Continue to trust levels/],
    ['details', /Declared in[\s\S]*Secrets \(masked\)[\s\S]*sha256:[0-9a-f]{12}[\s\S]*Findings/],
    ['trust', /Evidence for[\s\S]*publisher[\s\S]*pinned[\s\S]*transport[\s\S]*secrets/],
    ['scopes', /Allow \(Space\)[\s\S]*› \[ \] Read tool annotations[\s\S]*\[ \] Check each token with its provider[\s\S]*On this machine \(Space turns one off\)[\s\S]*\[x\] github\s+ask before its \d+ write tools[\s\S]*At the provider[\s\S]*GitHub\s+GITHUB_PERSONAL_ACCESS_TOKEN/],
    ['trustTools', /Evidence for github[\s\S]*tools\s+2 may write, by their annotations: create_issue, merge_pull_request/],
    ['scopesProvider', /At the provider[\s\S]*› [\s\S]*create a narrower token[\s\S]*https:\/\//],
    ['files', /644 → 600[\s\S]*committed to git[\s\S]*mcp-harden rotate/],
    ['keychain', /\[2\] keychain\s+\S+/],
    ['diff', /files will change \(secrets masked\)[\s\S]*keychain:mcp-harden\//],
    ['confirm', /Apply \d+ actions\? Enter applies, Esc goes back\./],
    ['applying', /Applying: 1\/\d+[\s\S]*✓ chmod 600 \S+\s+mode set ✓/],
    ['summary', /Run 20260101-000000-abcd\. Undo it with: mcp-harden undo 20260101-000000-abcd[\s\S]*Restart cursor[\s\S]*Left for you at the providers/],
  ];

  it.each(expectations)('%s fits 80×24 and 140×40 and shows what the step is about', async (name, pattern) => {
    for (const [columns, rows] of [
      [80, 24],
      [140, 40],
    ] as const) {
      const r = await mount(states[name]!, { columns, rows });
      const frame = r.lastFrame();
      expect(frame).toMatch(pattern);
      expect(widest(frame)).toBeLessThanOrEqual(columns);
      expect(frame.split('\n').length).toBeLessThanOrEqual(rows);
      noSecretIn(r.frames(), env.values);
      r.unmount();
    }
  });

  it('moves the cursor, opens and closes a server, and changes a trust level with the keys', async () => {
    const r = await mount(states.servers!);
    await r.press('up', 'enter');
    expect(r.lastFrame()).toContain('Declared in');
    await r.press('esc');
    expect(r.lastFrame()).toContain('Continue to trust levels');
    expect(r.effects).toEqual([]);

    const t = await mount(states.trust!);
    const before = t.lastFrame();
    await t.press('right');
    expect(t.lastFrame()).not.toEqual(before);
    expect(t.lastFrame()).toMatch(/\(suggested (trusted|limited|untrusted)\)/);
  });

  it('toggles a secret to Level 1 with Space and asks for the preview of that choice', async () => {
    const r = await mount(states.keychain!);
    await r.press('space');
    expect(r.lastFrame()).toMatch(/\[1\] file .*\(recommended 2\)/);
    await r.press('enter');
    expect(r.effects).toHaveLength(1);
    expect(r.effects[0]).toMatchObject({ type: 'preview' });
    const levels = (r.effects[0] as { levels: Record<string, number> }).levels;
    expect(Object.values(levels)).toContain(1);
  });

  it('q before Confirm cancels with exit 130 and no apply; ? opens the help', async () => {
    const r = await mount(states.confirm!);
    await r.press('help');
    expect(r.lastFrame()).toContain('go back one step');
    await r.press('esc', 'q');
    expect(r.lastFrame()).toContain('Cancelled. Nothing was changed.');
    expect(r.effects).toEqual([{ type: 'exit', code: 130 }]);
  });

  it('Ctrl+C while applying asks to stop between actions', async () => {
    const r = await mount(states.applying!);
    await r.press('ctrlC');
    expect(r.lastFrame()).toContain('stopping after the current action');
    expect(r.effects).toEqual([{ type: 'stop-apply' }]);
  });

  it('redraws at the new size on resize', async () => {
    const r = await mount(states.servers!, { columns: 140, rows: 40 });
    expect(widest(r.lastFrame())).toBeGreaterThan(80);
    await r.resize(80, 24);
    expect(widest(r.lastFrame())).toBeLessThanOrEqual(80);
    expect(r.lastFrame()).toContain('2/9 Servers');
  });


});
