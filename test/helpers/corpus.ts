// The shared corpus of real MCP configs: one folder per client, each named after the client whose
// config files it holds, and sources.tsv describing every file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClientKind } from '../../src/core/model.js';

export const CORPUS = resolve(__dirname, '../../../shared/corpus');

const CLIENT_FOLDERS: readonly ClientKind[] = ['claude-code', 'claude-desktop', 'codex', 'cursor', 'gemini', 'vscode', 'windsurf'];

/** The client whose configs a corpus folder holds; undefined for any other folder. */
export function folderClient(folder: string): ClientKind | undefined {
  return CLIENT_FOLDERS.find((c) => c === folder);
}

export interface CorpusFile {
  folder: string;
  client: ClientKind;
  path: string;
  name: string;
}

/** Every file in the client folders, in a stable order. */
export function corpusFiles(): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const client of CLIENT_FOLDERS) {
    const dir = join(CORPUS, client);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isFile()) files.push({ folder: client, client, path, name });
    }
  }
  return files;
}
