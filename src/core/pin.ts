// Version pinning: which unpinned package specs can be pinned, and the spec they become.
// Pure: the versions come from the caller (the npx and uv caches of this machine).
import type { PackageRef } from './risks.js';

/** What a cache lookup needs: the runner's cache and the package name. */
export interface PinTarget {
  runner: 'npx' | 'uvx';
  name: string;
  /** The spec once pinned to a version. */
  pinned(version: string): string;
}

const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;
const PY_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
export const EXACT_VERSION = /^\d+(\.\d+)*([-+._]?[0-9A-Za-z.+-]+)?$/;

/** Key of a package in a map of cached versions. */
export function versionKey(runner: PinTarget['runner'], name: string): string {
  return `${runner}:${runner === 'uvx' ? normalizePyName(name) : name}`;
}

/** PEP 503 normalized name: `Mcp_Server.Fetch` and `mcp-server-fetch` are one package. */
export function normalizePyName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The pin for an unpinned npx or uvx spec. Only a bare name or the `latest` tag is pinned: a
 * range or another tag says the author chose something else, and a path, URL or git spec has no
 * registry version to pin to. `previousArg` is the argument before the spec (`--from`).
 */
export function pinTarget(ref: PackageRef, previousArg?: string): PinTarget | undefined {
  if (ref.pinned) return undefined;
  if (ref.runner === 'npx') {
    const at = ref.spec.indexOf('@', ref.spec.startsWith('@') ? 1 : 0);
    const name = at < 0 ? ref.spec : ref.spec.slice(0, at);
    const tag = at < 0 ? '' : ref.spec.slice(at + 1);
    if (!NPM_NAME.test(name) || (tag !== '' && tag !== 'latest')) return undefined;
    return { runner: 'npx', name, pinned: (v) => `${name}@${v}` };
  }
  if (ref.runner === 'uvx') {
    // `--from spec` takes a requirement (`name==1.2.3`); the positional form takes `name@1.2.3`.
    const fromOption = ref.at.value !== ref.spec || previousArg === '--from';
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9._,\s-]*\])?(@latest)?$/.exec(ref.spec);
    if (!m || !PY_NAME.test(m[1]!)) return undefined;
    const name = m[1]!;
    const extras = m[2] ?? '';
    if (extras && !fromOption) return undefined;
    return { runner: 'uvx', name, pinned: (v) => (fromOption ? `${name}${extras}==${v}` : `${name}@${v}`) };
  }
  return undefined;
}

/** The new text of an argument that holds `from` (alone or as `--opt=from`); undefined if it does not. */
export function replaceSpec(arg: string, from: string, to: string): string | undefined {
  if (arg === from) return to;
  if (arg.endsWith('=' + from)) return arg.slice(0, arg.length - from.length) + to;
  return undefined;
}
