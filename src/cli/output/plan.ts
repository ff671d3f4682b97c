// How `fix` shows a plan, its masked diffs, and what a run did. Never a secret value: every value
// the audit saw is masked in every line shown, context lines included.
import { structuredPatch } from 'diff';
import type { Action, Plan } from '../../core/plan.js';
import { maskSecret } from '../../core/secrets/index.js';
import type { ApplyResult, FileChange } from '../../app/apply.js';
import type { PlannedSecret } from '../../app/plan.js';
import { createTheme } from './theme.js';
import { tildify, truncateMiddle } from './text.js';

export interface PlanView {
  color: boolean;
  width: number;
  home?: string;
  workspace: string;
}

/** Replaces every known secret value in a text with its mask, longest first. */
export function maskAll(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of [...values].sort((a, b) => b.length - a.length)) {
    if (v) out = out.split(v).join(maskSecret(v));
  }
  return out;
}

function shortPath(p: string, view: PlanView): string {
  const ws = view.workspace.replace(/[\\/]+$/, '');
  if (p.startsWith(ws + '/') || p.startsWith(ws + '\\')) return p.slice(ws.length + 1);
  return tildify(p, view.home);
}

export function describeAction(a: Action, secrets: PlannedSecret[], view: PlanView): string {
  const p = (f: string) => shortPath(f, view);
  switch (a.kind) {
    case 'chmod':
      return `chmod ${a.to.toString(8)}   ${p(a.file)} (now ${a.from.toString(8).padStart(3, '0')})`;
    case 'gitignore':
      return `ignore      ${a.entries.join(', ')} in ${p(a.gitignore)}`;
    case 'store-secret': {
      const s = secrets.find((x) => x.fingerprint === a.fingerprint);
      // A value the user typed or piped in (onboard, rotate) comes from no file.
      const from = a.from[0] ? p(a.from[0].file) : 'the value you gave';
      return `keychain    store ${a.service}/${a.account} (${a.provider} ${a.secretKind}${s ? '' : ''}) from ${from}`;
    }
    case 'rewrite-config':
      return `rewrite     ${p(a.file)}: server "${a.server}"${a.launcher ? ' through the launcher' : ''}, ${a.replace.length} reference${a.replace.length === 1 ? '' : 's'}`;
    case 'remove-plaintext':
      return `remove      ${a.keys.join(', ')} from ${p(a.file)}`;
    case 'delete-backup':
      return `delete      ${p(a.file)} (client backup holding migrated secrets)`;
    case 'remove-history-lines':
      return `history     remove line${a.lines.length === 1 ? '' : 's'} ${a.lines.join(', ')} of ${p(a.file)}`;
    case 'pin-version':
      // The version is what matters: it stays at the end, which a narrow terminal keeps.
      return `pin         "${a.server}" in ${p(a.file)} to the version it runs: ${a.to}`;
    case 'set-read-only':
      return `read-only   "${a.server}" (${a.trust}) in ${p(a.file)}: ${readOnlyWhat(a)}`;
    case 'narrow-roots':
      return `roots       "${a.server}" in ${p(a.file)}: ${a.roots.join(', ')} → ${tildify(a.to, view.home)}`;
    case 'set-toolsets':
      return `toolsets    "${a.server}" (${a.trust}) in ${p(a.file)}: ${toolsetsWhat(a)}`;
    case 'set-permissions':
      return `permissions ${p(a.file)}: ${[a.ask.length ? `ask ${a.ask.length}` : '', a.deny.length ? `deny ${a.deny.length}` : ''].filter(Boolean).join(', ')} write tool${a.ask.length + a.deny.length === 1 ? '' : 's'} of ${a.servers.map((x) => `"${x}"`).join(', ')}`;
    case 'set-tool-rules':
      return `tool rules  "${a.server}" (${a.trust}) in ${p(a.file)}: ${toolRulesWhat(a)}`;
    case 'write-policy':
      return `policy      write ${p(a.file)} (secret-free; committing it is your call)`;
    case 'add-server':
      return `add server  "${a.server}" to ${p(a.file)} (from the team policy)`;
  }
}

/** The switch a set-read-only action sets, as the user would type it (no secret: catalog values). */
export function readOnlyWhat(a: Extract<Action, { kind: 'set-read-only' }>): string {
  return [...Object.entries(a.env).map(([k, v]) => `${k}=${v}`), ...a.args].join(' ');
}

/** The fields a set-tool-rules action changes, shortly: `trust false, excludeTools +3, autoApprove -1`. */
export function toolRulesWhat(a: Extract<Action, { kind: 'set-tool-rules' }>): string {
  return [
    ...a.set.map((b) => `${b.field} ${b.value}`),
    ...a.add.map((x) => `${x.field} +${x.tools.length}`),
    ...a.remove.map((x) => `${x.field} -${x.tools.length}`),
  ].join(', ');
}

/** The tool groups a set-toolsets action sets, as the user would type them (catalog values). */
export function toolsetsWhat(a: Extract<Action, { kind: 'set-toolsets' }>): string {
  return a.arg ?? `${a.env}=${a.value}`;
}

export function renderPlan(
  plan: Plan,
  secrets: PlannedSecret[],
  changes: FileChange[],
  values: readonly string[],
  view: PlanView,
): string {
  const t = createTheme(view.color);
  const lines: string[] = [];
  if (!plan.actions.length) lines.push('Nothing to fix: the plan is empty.');
  else lines.push(t.bold(`Plan: ${plan.actions.length} action${plan.actions.length === 1 ? '' : 's'}`));
  plan.actions.forEach((a, i) => lines.push(truncateMiddle(`${String(i + 1).padStart(3)}. ${describeAction(a, secrets, view)}`, view.width)));
  const level1 = secrets.filter((s) => s.level === 1);
  if (level1.length) {
    lines.push('', t.bold('Kept in their files (Level 1: locked down, git-ignored; no MCP server uses them):'));
    for (const s of level1) lines.push(`  ${s.account} (${s.provider} ${s.kind})`);
  }
  if (plan.leftOver.length) {
    lines.push('', t.bold('Left for you:'));
    for (const l of plan.leftOver) lines.push(`  ${l.rule}  ${shortPath(l.file, view)}${l.server ? ` (${l.server})` : ''}: ${l.why}`);
  }
  if (changes.length) {
    lines.push('', t.bold('Changes (secret values masked):'));
    for (const c of changes) {
      const patch = structuredPatch(shortPath(c.file, view), shortPath(c.file, view), c.before, c.after, '', '', { context: 1 });
      lines.push(t.bold(`--- ${patch.oldFileName}`), t.bold(`+++ ${patch.newFileName}`));
      for (const h of patch.hunks) {
        lines.push(t.cyan(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`));
        for (const l of h.lines) {
          if (l.startsWith('\\')) continue;
          const shown = truncateMiddle(maskAll(l, values), view.width);
          lines.push(l.startsWith('+') ? t.green(shown) : l.startsWith('-') ? t.red(shown) : shown);
        }
      }
    }
  }
  return lines.join('\n') + '\n';
}

export function renderApplyResult(result: ApplyResult, view: PlanView, extra: { leftAfter: number; cameBack: string[] }): string {
  const t = createTheme(view.color);
  const lines: string[] = [];
  lines.push(t.bold(`Run ${result.runId}: ${result.done} done, ${result.skipped.length} skipped, ${result.failed.length} failed${result.cancelled ? ', cancelled' : ''}`));
  for (const f of result.failed) lines.push(t.red(`  failed   ${describeAction(f.action, [], view)}: ${f.message}`));
  for (const s of result.skipped) lines.push(t.yellow(`  skipped  ${describeAction(s.action, [], view)}: ${s.message}`));
  for (const file of extra.cameBack) lines.push(t.red(`  plaintext came back in ${shortPath(file, view)}: a running client rewrote it; restart it and run fix again`));
  lines.push(`Undo it with: mcp-harden undo ${result.runId}`);
  lines.push(`Findings left at or above the threshold: ${extra.leftAfter}`);
  return lines.join('\n') + '\n';
}
