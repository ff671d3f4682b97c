// Every real config in the shared corpus: each env value and each args array of each server is
// replaced by a marker, and a key is added to each env table. Read again, the file must give the
// markers at the same paths and the same everything else, and the only changed lines must be
// those of the replaced values (or new lines next to them).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferSource, parseConfig } from '../../../src/core/clients/index.js';
import { editConfig, type ConfigChange } from '../../../src/core/edit/index.js';
import type { Server } from '../../../src/core/model.js';
import { CORPUS, corpusFiles } from '../../helpers/corpus.js';

/** What a user would see of a server, positions aside. */
function shape(server: Server): unknown {
  return {
    name: server.name,
    path: server.path,
    transport: server.transport,
    command: server.command?.value,
    url: server.url?.value,
    cwd: server.cwd,
    disabled: server.disabled,
    envKeys: server.env.map((e) => e.key).filter((key) => key !== 'ADDED_BY_TEST'),
    headers: server.headers.map((h) => [h.key, h.value.value]),
    envFile: server.envFile?.value,
  };
}

/**
 * The changed stretches between old and new lines, from a longest-common-subsequence match: each
 * gives the old lines it replaces (1-based, maybe none) and the old line just before it.
 */
function hunks(oldLines: string[], newLines: string[]): { old: number[]; after: number }[] {
  const n = oldLines.length;
  const m = newLines.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = oldLines[i] === newLines[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const out: { old: number[]; after: number }[] = [];
  let current: { old: number[]; after: number; added: boolean } | undefined;
  let i = 0;
  let j = 0;
  const flush = (): void => {
    if (current !== undefined && (current.old.length > 0 || current.added)) out.push({ old: current.old, after: current.after });
    current = undefined;
  };
  while (i < n || j < m) {
    if (i < n && j < m && oldLines[i] === newLines[j]) {
      flush();
      i++;
      j++;
      continue;
    }
    current ??= { old: [], after: i, added: false };
    if (j >= m || (i < n && table[i + 1]![j]! >= table[i]![j + 1]!)) {
      current.old.push(i + 1);
      i++;
    } else {
      current.added = true;
      j++;
    }
  }
  flush();
  return out;
}

describe('editing every server of the corpus', () => {
  it('replaces env values and args arrays and changes nothing else', () => {
    expect(existsSync(CORPUS), `the corpus is missing: ${CORPUS}`).toBe(true);
    const problems: string[] = [];
    let edits = 0;
    let tomlEdits = 0;
    for (const { client, path, name } of corpusFiles()) {
      const text = readFileSync(path, 'utf8');
      const source = inferSource(path, text, client);
      const before = parseConfig(source, text);
      if (before.error !== undefined) continue; // a broken file is not edited: it gets a finding instead

      const changes: ConfigChange[] = [];
      const allowed = new Set<number>();
      const wanted = new Map<string, { env: Map<string, string>; args?: string[] }>();
      let k = 0;
      for (const server of before.servers) {
        const want: { env: Map<string, string>; args?: string[] } = { env: new Map() };
        for (const { key, value } of server.env) {
          const marker = `keychain:mcp-harden/MARKER_${k++}`;
          changes.push({ op: 'set-string', path: value.path, value: marker });
          want.env.set(key, marker);
          for (let l = 0; l <= value.value.split('\n').length - 1; l++) allowed.add(value.line + l);
        }
        const lastEnv = server.env[server.env.length - 1];
        if (lastEnv !== undefined && !server.env.some((e) => e.key === 'ADDED_BY_TEST')) {
          // A new key in the same env table, written after its last entry.
          const marker = `keychain:mcp-harden/ADDED_${k++}`;
          changes.push({ op: 'set-string', path: [...lastEnv.value.path.slice(0, -1), 'ADDED_BY_TEST'], value: marker });
          want.env.set('ADDED_BY_TEST', marker);
        }
        const first = server.args[0];
        const last = server.args[server.args.length - 1];
        if (first !== undefined && last !== undefined) {
          const args = ['run', '--', `marker-${k++}`, ...server.args.map((a) => a.value)];
          changes.push({ op: 'set-string-array', path: first.path.slice(0, -1), value: args });
          want.args = args;
          // The brackets may sit on the lines around the items.
          for (let l = first.line - 1; l <= last.line + 1; l++) allowed.add(l);
        }
        wanted.set(JSON.stringify(server.path), want);
      }
      if (changes.length === 0) continue;

      let after: string;
      try {
        after = editConfig(source.format, text, changes);
      } catch (e) {
        problems.push(`${client}/${name}: ${(e as Error).message}`);
        continue;
      }
      edits += changes.length;
      if (source.format === 'toml') tomlEdits += changes.length;
      const reread = parseConfig(source, after);
      if (reread.error !== undefined) {
        problems.push(`${client}/${name}: unparseable after the edit`);
        continue;
      }
      if (JSON.stringify(reread.servers.map(shape)) !== JSON.stringify(before.servers.map(shape))) {
        problems.push(`${client}/${name}: servers differ after the edit`);
      }
      for (const server of reread.servers) {
        const want = wanted.get(JSON.stringify(server.path));
        for (const { key, value } of server.env) {
          if (want?.env.get(key) !== value.value) problems.push(`${client}/${name}: ${server.name} env ${key} not replaced`);
        }
        if (server.env.length !== want?.env.size) problems.push(`${client}/${name}: ${server.name} env keys differ`);
        const args = server.args.map((a) => a.value);
        if (want?.args !== undefined && JSON.stringify(args) !== JSON.stringify(want.args)) {
          problems.push(`${client}/${name}: ${server.name} args not replaced`);
        }
      }
      // Each changed stretch replaces only allowed lines; a pure insertion sits next to one.
      for (const hunk of hunks(text.split('\n'), after.split('\n'))) {
        const ok =
          hunk.old.length > 0 ? hunk.old.every((l) => allowed.has(l)) : allowed.has(hunk.after) || allowed.has(hunk.after + 1);
        if (!ok) problems.push(`${client}/${name}: lines changed after line ${hunk.after}`);
      }
    }
    expect(problems).toEqual([]);
    expect(edits).toBeGreaterThan(100);
    expect(tomlEdits).toBeGreaterThan(0);
  });
});
