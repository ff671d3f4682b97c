// Plan actions for a GitHub token used by Cursor's `github` server, as the fix engine builds them.
import type { Action, ValueLocation } from '../../src/core/plan.js';

/** The one fingerprint these actions name; nothing here compares it with a value. */
export const GITHUB_FINGERPRINT = 'sha256:3f1a9c0b2e4d';

/** Store the token in the keychain as mcp-harden/ACCOUNT, read from `from`. */
export function storeGithubToken(account: string, from: ValueLocation[] = []): Action {
  return { kind: 'store-secret', service: 'mcp-harden', account, fingerprint: GITHUB_FINGERPRINT, provider: 'github', secretKind: 'pat-classic', from };
}

/** Replace the server's env variable in `file` with a reference to the keychain item of that name. */
export function rewriteGithubEnv(file: string, variable: string, launcher: boolean): Action {
  return {
    kind: 'rewrite-config',
    file,
    scope: 'user',
    client: 'cursor',
    server: 'github',
    serverPath: ['mcpServers', 'github'],
    replace: [
      {
        location: { file, where: 'env', path: ['mcpServers', 'github', 'env', variable] },
        fingerprint: GITHUB_FINGERPRINT,
        reference: `keychain:mcp-harden/${variable}`,
      },
    ],
    launcher,
  };
}
