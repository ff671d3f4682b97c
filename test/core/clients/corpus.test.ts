// Every real config file in the shared corpus must be read without a crash, and every declared
// server listed. Expected names are computed here independently of the parser under test.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { inferSource, parseConfig } from '../../../src/core/clients/index.js';
import type { ClientKind } from '../../../src/core/model.js';
import { CORPUS, corpusFiles } from '../../helpers/corpus.js';

/** Removes // and /* comments and trailing commas outside strings, so JSON.parse can judge the rest. */
function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === ',' && /^\s*[}\]]/.test(text.slice(i + 1))) {
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Names of the object-valued entries of the client's server map, or null when the file is not valid. */
function expectedNames(client: ClientKind, fileName: string, text: string): string[] | null {
  const body = text.replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = fileName.endsWith('.toml') ? parseToml(body) : JSON.parse(stripJsonc(body));
  } catch {
    return null;
  }
  const key = client === 'codex' ? 'mcp_servers' : client === 'vscode' ? 'servers' : 'mcpServers';
  const map = (doc as Record<string, unknown>)[key];
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return [];
  return Object.entries(map)
    .filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v))
    .map(([k]) => k);
}

describe('corpus of real configs', () => {
  it('parses every file, lists every declared server, and places each one', () => {
    expect(existsSync(CORPUS), `the corpus is missing: ${CORPUS} must hold the shared MCP config corpus`).toBe(true);
    const files = corpusFiles();
    expect(files.length, `the corpus at ${CORPUS} has no config files`).toBeGreaterThan(50);

    const problems: string[] = [];
    let serversSeen = 0;
    for (const { folder, client, path, name } of files) {
      const text = readFileSync(path, 'utf8');
      let parsed;
      try {
        const source = inferSource(path, text, client);
        if (source.client !== client) problems.push(`${folder}/${name}: client ${source.client}`);
        parsed = parseConfig(source, text);
      } catch (e) {
        problems.push(`${folder}/${name}: threw ${(e as Error).name}`);
        continue;
      }
      const expected = expectedNames(client, name, text);
      if (expected === null) {
        // A broken file (such as a truncated one): an error with a position, no servers.
        if (!parsed.error || parsed.error.line < 1 || parsed.error.column < 1 || parsed.servers.length > 0) {
          problems.push(`${folder}/${name}: broken file without a positioned error`);
        }
        continue;
      }
      if (parsed.error) {
        problems.push(`${folder}/${name}: unexpected error ${parsed.error.message}`);
        continue;
      }
      const got = parsed.servers.map((s) => s.name);
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        problems.push(`${folder}/${name}: servers ${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
      }
      serversSeen += got.length;

      // Each server's position points at its name: the JSON key, or the TOML table header.
      const lines = text.replace(/^\uFEFF/, '').split('\n');
      for (const server of parsed.servers) {
        const line = lines[server.line - 1] ?? '';
        const at = line.slice(server.column - 1);
        const ok = name.endsWith('.toml')
          ? line.includes(server.name)
          : at.startsWith(JSON.stringify(server.name)) || at.startsWith(`"${server.name}"`);
        if (!ok) problems.push(`${folder}/${name}: server ${server.name} placed at ${server.line}:${server.column}`);
      }
    }
    expect(problems).toEqual([]);
    expect(serversSeen).toBeGreaterThan(100);
  });

  it('a JSON corpus file cut in half gives an error with a position, never a throw', () => {
    expect(existsSync(CORPUS), `the corpus is missing: ${CORPUS} must hold the shared MCP config corpus`).toBe(true);
    const problems: string[] = [];
    for (const { folder, client, path, name } of corpusFiles().filter((f) => f.name.endsWith('.json'))) {
      const text = readFileSync(path, 'utf8');
      const cut = text.slice(0, Math.floor(text.length / 2));
      const parsed = parseConfig(inferSource(path, cut, client), cut);
      const lastLine = cut.split('\n').length;
      if (!parsed.error || parsed.error.line < 1 || parsed.error.line > lastLine || parsed.servers.length > 0) {
        problems.push(`${folder}/${name}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
