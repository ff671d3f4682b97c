// The wizard as one pure function: (state, event) → next state and the effects to run (as data).
// The runner (run.ts) executes effects and feeds their results back as events; the TUI and the
// plain-mode driver both go through here, so both behave the same.
import {
  TRUST_LEVELS,
  recommendedLevels,
  suggestedTrust,
  type ApplyLine,
  type Command,
  type Effect,
  type Level,
  type TrustLevel,
  type WizardEvent,
  type WizardState,
  type WizardData,
} from './state.js';

export interface Transition {
  state: WizardState;
  effects: Effect[];
}

const CANCELLED = 130;

const stay = (state: WizardState): Transition => ({ state, effects: [] });
const go = (state: WizardState, ...effects: Effect[]): Transition => ({ state, effects });

type Chosen = Extract<WizardState, { data: unknown }>;

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(n, max));
}

function cycleTrust(level: TrustLevel, dir: 1 | -1): TrustLevel {
  const i = TRUST_LEVELS.indexOf(level);
  return TRUST_LEVELS[(i + dir + TRUST_LEVELS.length) % TRUST_LEVELS.length]!;
}

/** Common part of every step after the scan: what the user chose so far. */
function chosen(s: Chosen): Pick<Chosen, 'data' | 'trust' | 'levels' | 'localOff' | 'annotations' | 'online' | 'tools' | 'help'> {
  return { data: s.data, trust: s.trust, levels: s.levels, localOff: s.localOff, annotations: s.annotations, online: s.online, ...(s.tools ? { tools: s.tools } : {}), help: false };
}

/** The Scopes step, with the plan's local changes for the trust chosen asked for. */
function toScopes(s: Chosen, cursor = 0, annotations = s.annotations): Transition {
  return go(
    { ...chosen(s), annotations, step: 'scopes', cursor, local: 'loading' },
    { type: 'local-changes', levels: s.levels, trust: trustChanges(s), annotations },
  );
}

/** The Scopes step's first rows: the two opt-in checks, then the local changes, then the providers. */
export const SCOPES_OPTIONS = 2;

function checkOnline(s: Extract<WizardState, { step: 'scopes' }>): Transition {
  if (s.online === 'checking') return stay(s);
  return go({ ...s, online: 'checking' }, { type: 'check-online', levels: s.levels, trust: trustChanges(s) });
}

export function transition(state: WizardState, event: WizardEvent): Transition {
  switch (event.type) {
    case 'init':
      return state.step === 'scan' && state.progress === null ? go(state, { type: 'start-scan' }) : stay(state);
    case 'scan-progress':
      return state.step === 'scan' ? stay({ ...state, progress: event.progress }) : stay(state);
    case 'servers-ready':
    case 'scan-done': {
      if (state.step !== 'scan') {
        // The plan arrived while the user looks at the servers or trust levels: it completes the
        // data under them, keeping their trust choices; Enter pressed on Trust meanwhile goes on.
        if (event.type !== 'scan-done' || !('data' in state) || state.data.ready) return stay(state);
        const trust = { ...suggestedTrust(event.data), ...state.trust };
        const next = { ...state, data: event.data, trust, levels: recommendedLevels(event.data) } as Chosen;
        if (next.step === 'trust' && next.waitingForPlan) return toScopes({ ...next, waitingForPlan: false });
        return stay(next as WizardState);
      }
      return stay({
        step: 'servers',
        data: event.data,
        trust: suggestedTrust(event.data),
        levels: recommendedLevels(event.data),
        localOff: [],
        annotations: false,
        online: null,
        help: false,
        // The cursor starts on "Continue" (just after the last row): Enter alone moves on.
        cursor: event.data.servers.length,
        details: false,
      });
    }
    case 'failed':
      // Failed actions end in the summary (apply-done); this is the engine itself failing.
      if (state.step === 'summary' || state.step === 'cancelled') return stay(state);
      return stay({ step: 'error', message: event.message, code: event.code, help: false });
    case 'local-ready':
      if (state.step !== 'scopes' || state.local !== 'loading') return stay(state);
      return stay({ ...state, local: event.local, ...(event.tools ? { tools: event.tools } : {}) });
    case 'online-ready':
      if (!('online' in state) || state.online !== 'checking') return stay(state);
      return stay({ ...state, online: event.lines } as WizardState);
    case 'set-annotations':
      if (state.step !== 'scopes' || state.annotations === event.on) return stay(state);
      return toScopes(state, state.cursor, event.on);
    case 'check-online':
      return state.step === 'scopes' ? checkOnline(state) : stay(state);
    case 'set-local': {
      if (state.step !== 'scopes' || state.local === 'loading' || !state.local.some((l) => l.key === event.key)) return stay(state);
      const off = state.localOff.filter((k) => k !== event.key);
      return stay({ ...state, localOff: event.on ? off : [...off, event.key] });
    }
    case 'preview-ready':
      return state.step === 'keychain' && state.preview === 'loading' ? stay({ ...state, preview: event.preview, scroll: 0 }) : stay(state);
    case 'apply-event': {
      if (state.step !== 'applying') return stay(state);
      const e = event.event;
      const lines: ApplyLine[] = state.lines.map((l) =>
        l.seq !== e.seq
          ? l
          : {
              ...l,
              status: e.type === 'start' ? 'running' : e.type,
              subSteps: e.subSteps,
              ...(e.message !== undefined ? { message: e.message } : {}),
            },
      );
      return stay({ ...state, lines });
    }
    case 'apply-done':
      if (state.step !== 'applying') return stay(state);
      return stay({ ...chosen(state), step: 'summary', summary: event.summary });
    case 'open-details':
      if (state.step !== 'servers' || !state.data.servers[event.index]) return stay(state);
      return stay({ ...state, cursor: event.index, details: true });
    case 'set-trust':
      if (state.step !== 'trust' || !(event.id in state.trust)) return stay(state);
      return stay({ ...state, trust: { ...state.trust, [event.id]: event.level } });
    case 'set-level':
      if (state.step !== 'keychain' || state.preview !== null || !(event.fingerprint in state.levels)) return stay(state);
      return stay({ ...state, levels: { ...state.levels, [event.fingerprint]: event.level } });
    case 'command':
      return command(state, event.command);
  }
}

function command(state: WizardState, cmd: Command): Transition {
  // Cancelling: nothing is written before Confirm, so it simply exits; while applying it stops
  // between actions and the summary reports what was done.
  if (cmd === 'cancel') {
    switch (state.step) {
      case 'applying':
        return state.stopping ? stay(state) : go({ ...state, stopping: true }, { type: 'stop-apply' });
      case 'summary':
        return go(state, { type: 'exit', code: state.summary.exitCode });
      case 'error':
        return go(state, { type: 'exit', code: state.code });
      case 'cancelled':
        return stay(state);
      default:
        return go({ step: 'cancelled', help: false }, { type: 'exit', code: CANCELLED });
    }
  }
  if (cmd === 'help') return stay({ ...state, help: !state.help } as WizardState);
  // With help open, Enter or Esc only closes it.
  if (state.help && (cmd === 'accept' || cmd === 'back')) return stay({ ...state, help: false } as WizardState);

  switch (state.step) {
    case 'scan':
    case 'cancelled':
      return stay(state);
    case 'error':
      return cmd === 'accept' ? go(state, { type: 'exit', code: state.code }) : stay(state);
    case 'servers': {
      const rows = state.data.servers.length;
      if (state.details) {
        return cmd === 'accept' || cmd === 'back' ? stay({ ...state, details: false }) : stay(state);
      }
      if (cmd === 'up') return stay({ ...state, cursor: clamp(state.cursor - 1, rows) });
      if (cmd === 'down') return stay({ ...state, cursor: clamp(state.cursor + 1, rows) });
      if (cmd === 'accept') {
        if (state.cursor < rows) return stay({ ...state, details: true });
        return stay({ ...chosen(state), step: 'trust', cursor: 0 });
      }
      return stay(state);
    }
    case 'trust': {
      const rows = state.data.servers.length;
      if (cmd === 'up') return stay({ ...state, cursor: clamp(state.cursor - 1, Math.max(rows - 1, 0)) });
      if (cmd === 'down') return stay({ ...state, cursor: clamp(state.cursor + 1, Math.max(rows - 1, 0)) });
      if (cmd === 'left' || cmd === 'right' || cmd === 'toggle') {
        const server = state.data.servers[state.cursor];
        if (!server) return stay(state);
        const level = cycleTrust(state.trust[server.id] ?? server.trust.suggested, cmd === 'left' ? -1 : 1);
        return stay({ ...state, trust: { ...state.trust, [server.id]: level } });
      }
      if (cmd === 'accept') return state.data.ready ? toScopes(state) : stay({ ...state, waitingForPlan: true });
      if (cmd === 'back') return stay({ ...chosen(state), step: 'servers', cursor: rows, details: false });
      return stay(state);
    }
    case 'scopes': {
      // The cursor runs over the local changes, then the providers.
      const local = state.local === 'loading' ? [] : state.local;
      const rows = Math.max(SCOPES_OPTIONS + local.length + state.data.providers.length - 1, 0);
      if (cmd === 'up') return stay({ ...state, cursor: clamp(state.cursor - 1, rows) });
      if (cmd === 'down') return stay({ ...state, cursor: clamp(state.cursor + 1, rows) });
      if (cmd === 'toggle' || cmd === 'left' || cmd === 'right') {
        if (state.cursor === 0) return state.local === 'loading' ? stay(state) : toScopes(state, 0, !state.annotations);
        if (state.cursor === 1) return checkOnline(state);
        const change = local[state.cursor - SCOPES_OPTIONS];
        if (!change) return stay(state);
        const off = state.localOff.includes(change.key);
        return stay({ ...state, localOff: off ? state.localOff.filter((k) => k !== change.key) : [...state.localOff, change.key] });
      }
      if (cmd === 'accept') return stay({ ...chosen(state), step: 'files' });
      if (cmd === 'back') return stay({ ...chosen(state), step: 'trust', cursor: 0 });
      return stay(state);
    }
    case 'files':
      if (cmd === 'accept') return stay({ ...chosen(state), step: 'keychain', cursor: 0, preview: null, scroll: 0 });
      if (cmd === 'back') return toScopes(state);
      return stay(state);
    case 'keychain': {
      if (state.preview === 'loading') return cmd === 'back' ? stay({ ...state, preview: null }) : stay(state);
      if (state.preview) {
        if (cmd === 'accept') return stay({ ...chosen(state), step: 'confirm', preview: state.preview, scroll: 0 });
        if (cmd === 'back') return stay({ ...state, preview: null, scroll: 0 });
        if (cmd === 'up') return stay({ ...state, scroll: Math.max(0, state.scroll - 1) });
        if (cmd === 'down') return stay({ ...state, scroll: state.scroll + 1 });
        return stay(state);
      }
      const rows = state.data.secrets.length;
      if (cmd === 'up') return stay({ ...state, cursor: clamp(state.cursor - 1, Math.max(rows - 1, 0)) });
      if (cmd === 'down') return stay({ ...state, cursor: clamp(state.cursor + 1, Math.max(rows - 1, 0)) });
      if (cmd === 'toggle' || cmd === 'left' || cmd === 'right') {
        const secret = state.data.secrets[state.cursor];
        if (!secret) return stay(state);
        const level: Level = state.levels[secret.fingerprint] === 2 ? 1 : 2;
        return stay({ ...state, levels: { ...state.levels, [secret.fingerprint]: level } });
      }
      if (cmd === 'accept') return go({ ...state, preview: 'loading' }, { type: 'preview', levels: state.levels, trust: trustChanges(state), off: state.localOff, annotations: state.annotations });
      if (cmd === 'back') return stay({ ...chosen(state), step: 'files' });
      return stay(state);
    }
    case 'confirm':
      if (cmd === 'accept') {
        const lines: ApplyLine[] = state.preview.labels.map((label, seq) => ({ seq, label, status: 'pending', subSteps: [] }));
        return go({ ...chosen(state), step: 'applying', preview: state.preview, lines, stopping: false }, { type: 'apply', levels: state.levels, trust: trustChanges(state), off: state.localOff, annotations: state.annotations });
      }
      if (cmd === 'back') return stay({ ...chosen(state), step: 'keychain', cursor: 0, preview: state.preview, scroll: 0 });
      if (cmd === 'up') return stay({ ...state, scroll: Math.max(0, state.scroll - 1) });
      if (cmd === 'down') return stay({ ...state, scroll: state.scroll + 1 });
      return stay(state);
    case 'applying':
      return stay(state);
    case 'summary':
      return cmd === 'accept' ? go(state, { type: 'exit', code: state.summary.exitCode }) : stay(state);
  }
}

/**
 * The levels the user changed, by declaration (`annotationKey`): what the plan and the policy use
 * instead of the suggestion. A row stands for every declaration of its name and launch line, so a
 * change applies to each of them; a row suggested from the team policy also gives its level to the
 * declarations the policy does not record, so the plan follows what the row shows.
 */
export function trustChanges(state: { data: WizardData; trust: Record<string, TrustLevel> }): Record<string, TrustLevel> {
  const out: Record<string, TrustLevel> = {};
  for (const s of state.data.servers) {
    const chosen = state.trust[s.id];
    if (!chosen) continue;
    const fromPolicy = s.declared.some((d) => d.recorded);
    for (const d of s.declared) {
      if (chosen !== s.trust.suggested || (fromPolicy && !d.recorded)) out[d.key] = chosen;
    }
  }
  return out;
}
