// The wizard's one state union (DESIGN §4, §9). Every value here is safe to show: secrets appear
// only masked (`ghp_…(40)`) with their fingerprint; no state ever holds a secret value.
import type { ClientKind, RuleId, Scope, Severity, Transport } from '../core/model.js';

export type TrustLevel = 'trusted' | 'limited' | 'untrusted';
export const TRUST_LEVELS: readonly TrustLevel[] = ['trusted', 'limited', 'untrusted'];

export type Level = 1 | 2;

export interface ScanProgress {
  phase: 'configs' | 'workspace' | 'history' | 'git' | 'done' | 'keychain';
  filesRead: number;
  dirsRead: number;
  servers: number;
  secrets: number;
}

/** A secret as the wizard shows it: masked, with where it is and what the plan does with it. */
export interface SecretView {
  fingerprint: string;
  /** `ghp_…(40)` */
  masked: string;
  provider: string;
  kind: string;
  /** The keychain account it gets (Level 2). */
  account: string;
  /** The level `fix --yes` uses: 2 for a secret an MCP server uses, 1 otherwise. */
  recommended: Level;
  used: boolean;
  /** Servers that hold it, by name. */
  servers: string[];
  /** Files it is in (display paths). */
  files: string[];
}

export interface FindingView {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** What fixes it, in words. */
  fix?: string;
}

/** One logical server: the same name and launch line declared by one or more clients. */
export interface ServerView {
  id: string;
  name: string;
  clients: ClientKind[];
  scopes: Scope[];
  transport: Transport;
  /** `npx -y @pkg@1.2.3` or the URL, secrets masked. */
  launch: string;
  /**
   * Each declaration: `key` is its identity (`annotationKey`: absolute file, client, name), which
   * trust choices are keyed by; `recorded`, the level the team policy records for it.
   */
  declared: { client: ClientKind; scope: Scope; file: string; line: number; key: string; recorded?: TrustLevel }[];
  envKeys: string[];
  headerKeys: string[];
  secrets: { masked: string; provider: string; kind: string; fingerprint: string; key?: string }[];
  findings: FindingView[];
  trust: TrustSuggestion;
}

export interface TrustSuggestion {
  suggested: TrustLevel;
  /** Evidence lines shown with the suggestion. */
  publisher: string;
  /** `@scope/pkg` or a host name; undefined when nothing identifies it. */
  source?: string;
  /** null: not a package (remote server). */
  pinned: boolean | null;
  transportNote: string;
  secretsHeld: number;
  /** Why this level, in one short sentence. */
  reason: string;
}

export interface ProviderGuide {
  provider: string;
  label: string;
  /** What to create or restrict at the provider, in words. */
  advice: string;
  /** Where to do it. */
  url: string;
  /** Accounts of the secrets from this provider. */
  accounts: string[];
  /** Servers that use them. */
  servers: string[];
}

/** A local least-privilege change the plan makes for the trust levels chosen; the user may turn it off. */
export interface LocalChange {
  /** `localChangeKey(kind, file, client, server)`. */
  key: string;
  server: string;
  /** What it does, in a few words (`pin @pkg@1.2.3`, `read-only: GITHUB_READ_ONLY=1`). */
  label: string;
  /** Why, for the server's trust level. */
  why: string;
}

/** One line of the online check of the tokens (never a value: masked, with the fingerprint). */
export interface OnlineLine {
  tone: 'ok' | 'warn' | 'bad';
  text: string;
}

export interface FileView {
  file: string;
  /** chmod planned: current and target mode. */
  mode?: { from: number; to: number };
  /** The .gitignore the file gets added to, with the entry. */
  gitignore?: { gitignore: string; entry: string };
  /** Tracked by git while it holds a secret: rotation is the fix. */
  tracked: boolean;
}

export interface DiffLine {
  sign: '+' | '-' | ' ' | '@';
  text: string;
}

export interface FileDiff {
  file: string;
  lines: DiffLine[];
}

/** What the plan for the chosen levels does: its size and its masked diffs. */
export interface Preview {
  actions: number;
  /** Short labels of each action, in order. */
  labels: string[];
  diffs: FileDiff[];
}

export interface WizardData {
  workspace: string;
  /** False while only the scan is known (servers, trust); true once the plan is worked out. */
  ready: boolean;
  servers: ServerView[];
  secrets: SecretView[];
  files: FileView[];
  providers: ProviderGuide[];
  keychain: { available: boolean; message?: string };
  /** Runs interrupted earlier, with their id. */
  interrupted: string[];
  /** Findings before, per rule (unsuppressed). */
  before: Partial<Record<RuleId, number>>;
  /** Things the plan cannot fix. */
  leftOver: { file: string; server?: string; why: string }[];
}

export type SubStep = 'stored' | 'read back' | 'launcher resolves' | 'config rewritten' | 'plaintext removed' | 'mode set' | 'ignored' | 'backup deleted' | 'history lines removed';

export interface ApplyLine {
  seq: number;
  label: string;
  status: 'pending' | 'running' | 'done' | 'skipped' | 'failed';
  subSteps: SubStep[];
  message?: string;
}

export interface SummaryData {
  runId: string;
  done: number;
  skipped: number;
  failed: { label: string; message: string }[];
  cancelled: boolean;
  after: Partial<Record<RuleId, number>>;
  /** Clients whose config was rewritten: they must be restarted. */
  restart: ClientKind[];
  /** Files where a client wrote plaintext back during the run. */
  cameBack: string[];
  exitCode: number;
}

interface Chosen {
  data: WizardData;
  /** Per server id. */
  trust: Record<string, TrustLevel>;
  /** Per secret fingerprint. */
  levels: Record<string, Level>;
  /** Local changes the user turned off in the Scopes step (their keys). */
  localOff: string[];
  /** Enter was pressed on Trust before the plan was ready: Scopes opens when it is. */
  waitingForPlan?: boolean;
  /** The user allowed starting limited/untrusted servers once to read their tool annotations. */
  annotations: boolean;
  /** The online check of the tokens: not asked for, running, or its result. */
  online: null | 'checking' | OnlineLine[];
  /** Write tools the servers named through their annotations, by declaration key, once read. */
  tools?: Record<string, readonly string[]>;
  help: boolean;
}

export type WizardState =
  | { step: 'scan'; progress: ScanProgress | null; help: boolean }
  | (Chosen & { step: 'servers'; cursor: number; details: boolean })
  | (Chosen & { step: 'trust'; cursor: number })
  /** local: null before it is asked for, 'loading' while the plan for the chosen trust is computed. */
  | (Chosen & { step: 'scopes'; cursor: number; local: 'loading' | LocalChange[] })
  | (Chosen & { step: 'files' })
  /** preview: null while choosing levels, 'loading' while the plan is computed. */
  | (Chosen & { step: 'keychain'; cursor: number; preview: null | 'loading' | Preview; scroll: number })
  | (Chosen & { step: 'confirm'; preview: Preview; scroll: number })
  | (Chosen & { step: 'applying'; preview: Preview; lines: ApplyLine[]; stopping: boolean })
  | (Chosen & { step: 'summary'; summary: SummaryData })
  | { step: 'cancelled'; help: boolean }
  | { step: 'error'; message: string; code: number; help: boolean };

export type StepName = WizardState['step'];

/** Semantic commands from the keymap (src/ui/keymap.ts) or the plain-mode driver. */
export type Command = 'accept' | 'up' | 'down' | 'toggle' | 'left' | 'right' | 'back' | 'help' | 'cancel';

export interface ApplyEventView {
  type: 'start' | 'done' | 'skipped' | 'failed';
  seq: number;
  subSteps: SubStep[];
  message?: string;
}

export type WizardEvent =
  | { type: 'init' }
  | { type: 'command'; command: Command }
  | { type: 'scan-progress'; progress: ScanProgress }
  /** The scan is done: the servers can be shown while the keychain is opened and the plan made. */
  | { type: 'servers-ready'; data: WizardData }
  | { type: 'scan-done'; data: WizardData }
  | { type: 'failed'; message: string; code: number }
  | { type: 'preview-ready'; preview: Preview }
  | { type: 'local-ready'; local: LocalChange[]; tools?: Record<string, readonly string[]> }
  | { type: 'online-ready'; lines: OnlineLine[] }
  | { type: 'apply-event'; event: ApplyEventView }
  | { type: 'apply-done'; summary: SummaryData }
  /** Direct choices, for the plain-mode driver (the TUI gets there with cursor commands). */
  | { type: 'open-details'; index: number }
  | { type: 'set-trust'; id: string; level: TrustLevel }
  | { type: 'set-level'; fingerprint: string; level: Level }
  | { type: 'set-local'; key: string; on: boolean }
  /** Plain mode: the Scopes step's two opt-in checks. */
  | { type: 'set-annotations'; on: boolean }
  | { type: 'check-online' };

export type Effect =
  | { type: 'start-scan' }
  /** `trust`: the user's changes to the suggested levels, by declaration key (they go into the policy). */
  /** The local changes the plan makes for these choices (for the Scopes step). */
  | { type: 'local-changes'; levels: Record<string, Level>; trust: Record<string, TrustLevel>; annotations: boolean }
  /** Each token sent to its own provider, read-only (the user asked for it). */
  | { type: 'check-online'; levels: Record<string, Level>; trust: Record<string, TrustLevel> }
  /** `off`: the local changes the user turned off. */
  | { type: 'preview'; levels: Record<string, Level>; trust: Record<string, TrustLevel>; off: string[]; annotations: boolean }
  | { type: 'apply'; levels: Record<string, Level>; trust: Record<string, TrustLevel>; off: string[]; annotations: boolean }
  | { type: 'stop-apply' }
  | { type: 'exit'; code: number };

export const initialState: WizardState = { step: 'scan', progress: null, help: false };

/** The levels `fix --yes` uses: the recommended one of every secret. */
export function recommendedLevels(data: WizardData): Record<string, Level> {
  return Object.fromEntries(data.secrets.map((s) => [s.fingerprint, s.recommended]));
}

export function suggestedTrust(data: WizardData): Record<string, TrustLevel> {
  return Object.fromEntries(data.servers.map((s) => [s.id, s.trust.suggested]));
}
