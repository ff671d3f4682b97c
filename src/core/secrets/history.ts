// Shell history: the lines that hold the same secrets as the configs (`export TOKEN=…`,
// `claude mcp add … -e KEY=…`, `--header "Authorization: Bearer …"`, add-json). Pure: the
// caller passes the file text in; each candidate then goes through detectSecrets.
import type { Detection } from '../model.js';
import { detectSecrets } from './detect.js';

export type HistoryShell = 'bash' | 'zsh' | 'fish';

export interface HistoryCandidate {
  /** 1-based line in the history file. */
  line: number;
  /** 1-based column of the value's first character in that line. */
  column: number;
  value: string;
  /** The variable or header name the value is assigned to. */
  key?: string;
  /** The flag just before the value (`--api-key`), or the flag of `--flag=value`. */
  previousArg?: string;
}

export interface HistoryDetection {
  line: number;
  /** 1-based column of the secret's first character in that line. */
  column: number;
  /** Offsets are inside the candidate value, not the line. */
  detection: Detection;
}

/** A string with, for each character, its 0-based column in the raw history line. */
interface Mapped {
  text: string;
  cols: number[];
}

interface Token extends Mapped {
  op?: boolean;
}

interface InternalCandidate extends HistoryCandidate {
  cols: number[];
}

function slice(m: Mapped, start: number, end = m.text.length): Mapped {
  return { text: m.text.slice(start, end), cols: m.cols.slice(start, end) };
}

/** The command part of one history line, or undefined for metadata lines. */
function commandOf(raw: string, shell: HistoryShell): Mapped | undefined {
  const at = (text: string, offset: number): Mapped => ({
    text,
    cols: Array.from({ length: text.length }, (_, i) => offset + i),
  });
  if (shell === 'fish') {
    // fish writes `- cmd: …` with `\\` for a backslash and `\n` for a newline.
    const m = /^- cmd: /.exec(raw);
    if (!m) return undefined;
    let text = '';
    const cols: number[] = [];
    for (let i = m[0].length; i < raw.length; i++) {
      if (raw[i] === '\\' && (raw[i + 1] === '\\' || raw[i + 1] === 'n')) {
        text += raw[i + 1] === 'n' ? '\n' : '\\';
        cols.push(i);
        i++;
      } else {
        text += raw[i];
        cols.push(i);
      }
    }
    return { text, cols };
  }
  if (shell === 'bash' && /^#\d+\s*$/.test(raw)) return undefined; // HISTTIMEFORMAT stamp
  if (shell === 'zsh') {
    const m = /^: \d+:\d+;/.exec(raw); // extended history
    if (m) return at(raw.slice(m[0].length), m[0].length);
  }
  return at(raw, 0);
}

/** Shell words with quotes removed, each character mapped back to its raw column. */
function tokenize(cmd: Mapped): Token[] {
  const tokens: Token[] = [];
  let cur: Token | undefined;
  const push = (ch: string, col: number) => {
    cur ??= { text: '', cols: [] };
    cur.text += ch;
    cur.cols.push(col);
  };
  const end = () => {
    if (cur) tokens.push(cur);
    cur = undefined;
  };
  const s = cmd.text;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const col = cmd.cols[i]!;
    if (/\s/.test(ch)) {
      end();
    } else if (ch === '#' && !cur) {
      break; // comment
    } else if (ch === '\\') {
      if (i + 1 < s.length) push(s[++i]!, cmd.cols[i]!);
    } else if (ch === "'" || (ch === '$' && s[i + 1] === "'")) {
      if (ch === '$') i++;
      cur ??= { text: '', cols: [] };
      for (i++; i < s.length && s[i] !== "'"; i++) push(s[i]!, cmd.cols[i]!);
    } else if (ch === '"') {
      cur ??= { text: '', cols: [] };
      for (i++; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && i + 1 < s.length && /["\\$`]/.test(s[i + 1]!)) i++;
        push(s[i]!, cmd.cols[i]!);
      }
    } else if (ch === ';' || ch === '|' || ch === '&') {
      end();
      while (i + 1 < s.length && /[;|&]/.test(s[i + 1]!)) i++;
      tokens.push({ text: ch, cols: [col], op: true });
    } else {
      push(ch, col);
    }
  }
  end();
  return tokens;
}

const ENV_ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const FLAG_EQ = /^(--?[A-Za-z][A-Za-z0-9_.-]*)=/;
const HEADER_LINE = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*/;
const MIN_BARE = 8; // shorter bare words cannot hold a known-format credential

function candidatesOfCommand(tokens: Token[], line: number): InternalCandidate[] {
  const out: InternalCandidate[] = [];
  const add = (m: Mapped, extra: { key?: string; previousArg?: string }) => {
    if (m.text.length === 0) return;
    out.push({ line, column: m.cols[0]! + 1, value: m.text, cols: m.cols, ...extra });
  };
  const isSet = tokens[0]?.text === 'set'; // fish: set -gx NAME value
  let setName: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.op) continue;
    const prev = i > 0 && !tokens[i - 1]!.op ? tokens[i - 1]!.text : undefined;
    if (isSet && i > 0) {
      if (tok.text.startsWith('-')) continue;
      if (setName === undefined) {
        setName = tok.text;
        continue;
      }
      add(tok, { key: setName });
      continue;
    }
    const assign = ENV_ASSIGN.exec(tok.text);
    if (assign) {
      add(slice(tok, assign[0].length), { key: assign[1]! });
      continue;
    }
    const flag = FLAG_EQ.exec(tok.text);
    if (flag) {
      add(slice(tok, flag[0].length), { previousArg: flag[1]! });
      continue;
    }
    if (prev !== undefined && /^(-H|--header)$/.test(prev)) {
      const h = HEADER_LINE.exec(tok.text);
      if (h) {
        add(slice(tok, h[0].length), { key: h[1]! });
        continue;
      }
    }
    if (tok.text.startsWith('-')) continue; // a flag itself
    if (prev !== undefined && prev.startsWith('-')) {
      add(tok, { previousArg: prev });
      continue;
    }
    if (tok.text.length >= MIN_BARE) add(tok, {});
  }
  return out;
}

function scan(text: string, shell: HistoryShell): InternalCandidate[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: InternalCandidate[] = [];
  lines.forEach((raw, i) => {
    const cmd = commandOf(raw, shell);
    if (!cmd || cmd.text.trim() === '') return;
    const tokens = tokenize(cmd);
    // Split into simple commands at ; && || | so that `set` and flags do not leak across.
    let start = 0;
    for (let t = 0; t <= tokens.length; t++) {
      if (t === tokens.length || tokens[t]!.op) {
        out.push(...candidatesOfCommand(tokens.slice(start, t), i + 1));
        start = t + 1;
      }
    }
  });
  return out;
}

/** Values in history lines that may hold a credential, with their key or flag for context. */
export function scanShellHistory(text: string, shell: HistoryShell): HistoryCandidate[] {
  return scan(text, shell).map(({ cols: _cols, ...c }) => c);
}

/** scanShellHistory + detectSecrets(where: 'history'): every secret with its line and column. */
export function detectInHistory(text: string, shell: HistoryShell): HistoryDetection[] {
  const out: HistoryDetection[] = [];
  for (const c of scan(text, shell)) {
    const ctx = { where: 'history' as const, key: c.key, previousArg: c.previousArg };
    for (const detection of detectSecrets(c.value, ctx)) {
      const col = c.cols[Math.min(detection.start, c.cols.length - 1)] ?? c.column - 1;
      out.push({ line: c.line, column: col + 1, detection });
    }
  }
  return out;
}
