// A wizard engine over a real sandbox (synthetic tokens), with an in-memory keychain and a launcher
// check that needs no real keyring. The audit, plan, preview and apply are the real ones.
import { rmSync } from 'node:fs';
import { findEnvFiles } from '../../src/adapters/walk.js';
import { gitFacts } from '../../src/adapters/git.js';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import type { FixDeps, FixOptions, PreparedFix } from '../../src/app/fix.js';
import { buildSandbox, type Sandbox } from '../../src/demo/sandbox.js';
import { engineFromFix, type WizardEngine } from '../../src/wizard/run.js';

export interface SandboxEngine {
  sandbox: Sandbox;
  store: MemorySecretStore;
  deps: FixDeps;
  opts: FixOptions;
  engine: WizardEngine;
  /** Plans handed to apply, in order. */
  applied: PreparedFix[];
  values: string[];
  cleanup(): void;
}

export function sandboxEngine(opts: { keychain?: 'ready' | 'missing-backend'; env?: Record<string, string> } = {}): SandboxEngine {
  const sandbox = buildSandbox({ seed: 'wizard' });
  const store = new MemorySecretStore({ state: opts.keychain ?? 'ready' });
  const deps: FixDeps = {
    fs: nodeFs,
    workspacePort: { findEnvFiles, gitFacts },
    openStore: async () => {
      await store.probe();
      return store;
    },
  };
  const fixOpts: FixOptions = {
    audit: {
      host: { platform: 'linux', home: sandbox.home, env: { ...sandbox.env, ...opts.env } },
      workspace: sandbox.workspace,
      noHome: false,
      configs: [],
      failOn: 'high',
      ignore: [],
      version: 'test',
    },
  };
  const inner = engineFromFix(deps, fixOpts, { resolvesTo: async (s, a, v) => (await store.get(s, a)) === v });
  const applied: PreparedFix[] = [];
  const engine: WizardEngine = {
    ...inner,
    apply: (prepared, onEvent, signal) => {
      applied.push(prepared);
      return inner.apply(prepared, onEvent, signal);
    },
  };
  return {
    sandbox,
    store,
    deps,
    opts: fixOpts,
    engine,
    applied,
    values: Object.values(sandbox.secrets),
    cleanup: () => rmSync(sandbox.root, { recursive: true, force: true }),
  };
}
