// smol-toml is needed only when a TOML config (Codex) is read or edited: it is loaded on first use,
// not on every start (the audit's start-up is benchmarked).
import { createRequire } from 'node:module';
import type * as Toml from 'smol-toml';

let lib: typeof Toml | undefined;

export function tomlLib(): typeof Toml {
  lib ??= createRequire(import.meta.url)('smol-toml') as typeof Toml;
  return lib;
}

export const parseToml: typeof Toml.parse = ((text: string) => tomlLib().parse(text)) as typeof Toml.parse;
