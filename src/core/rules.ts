// The audit rules: stable ids (users allowlist by them), default severities and help text.
import type { RuleId, Severity } from './model.js';

export interface RuleInfo {
  id: RuleId;
  title: string;
  severity: Severity;
  /** One paragraph: why it matters. */
  help: string;
  /** What fixes it. */
  fix: string;
}

export const RULES: Record<RuleId, RuleInfo> = {
  'plaintext-secret': {
    id: 'plaintext-secret',
    title: 'Plaintext credential in a config or .env file',
    severity: 'high',
    help:
      'A credential is stored in plaintext where any program running as you (and anyone who gets a copy of the file) can read it. MCP client configs are read by editors, extensions and sync tools, and end up in backups.',
    fix: 'Move the value into the OS keychain and reference it (`mcp-harden fix`), or keep it in a git-ignored, owner-only .env file.',
  },
  'file-permissions': {
    id: 'file-permissions',
    title: 'File holding a secret is readable by other users',
    severity: 'high',
    help: 'Group or others can read a file that holds a credential. On a shared machine any local user can take it.',
    fix: 'chmod 600 the file (700 for the directory clients keep it in).',
  },
  'secret-file-tracked': {
    id: 'secret-file-tracked',
    title: 'File holding a secret is tracked by git',
    severity: 'critical',
    help:
      'A file that holds a credential is committed. Everyone with the repository has the value, and git history keeps it after the file changes.',
    fix: 'Rotate the credential (`mcp-harden rotate`), then remove the file from git and ignore it.',
  },
  'env-not-gitignored': {
    id: 'env-not-gitignored',
    title: '.env file is not git-ignored',
    severity: 'medium',
    help: 'A .env file that git does not ignore is one `git add .` away from being committed.',
    fix: 'Add the file to .gitignore.',
  },
  'unpinned-package': {
    id: 'unpinned-package',
    title: 'Server package is not pinned to a version',
    severity: 'medium',
    help:
      'npx, uvx and docker fetch whatever the registry serves at launch when no version or digest is given (or @latest is). A compromised or typosquatted release runs with the secrets you give the server.',
    fix: '`mcp-harden fix` pins npx and uvx packages to the version this machine already runs when the npx or uv cache knows it; otherwise pin the exact version yourself (`pkg@1.2.3`, `pkg==1.2.3`, `image@sha256:…`).',
  },
  'insecure-transport': {
    id: 'insecure-transport',
    title: 'Remote server over plain HTTP',
    severity: 'high',
    help: 'Requests, tool results and any credential in the headers travel unencrypted to a host that is not this machine.',
    fix: 'Use https:// (or a loopback address for local servers).',
  },
  'broad-filesystem-access': {
    id: 'broad-filesystem-access',
    title: 'Filesystem server can reach the whole disk or home directory',
    severity: 'high',
    help: 'A filesystem server given /, ~ or the home directory lets the model read SSH keys, cloud credentials and every other project.',
    fix: 'Give it only the project directory.',
  },
  'dangerous-container': {
    id: 'dangerous-container',
    title: 'Container started with host-level privileges',
    severity: 'high',
    help: '--privileged, host networking or a mounted docker socket give the server control of the host, not just a container.',
    fix: 'Drop --privileged, --network host and docker.sock mounts.',
  },
  'config-unparseable': {
    id: 'config-unparseable',
    title: 'Config file cannot be parsed',
    severity: 'medium',
    help: 'The file is not valid for its format. Its servers could not be checked, and the client may ignore it or fail.',
    fix: 'Fix the syntax error at the position shown.',
  },
  'secret-in-shell-history': {
    id: 'secret-in-shell-history',
    title: 'Credential in shell history',
    severity: 'high',
    help: 'A command such as `claude mcp add … -e TOKEN=…` or `export TOKEN=…` left the value in your shell history file.',
    fix: 'Remove the line from the history file once the secret is in the keychain, and rotate it if the file was ever shared.',
  },
  'symlink-outside': {
    id: 'symlink-outside',
    title: 'Config or .env is a symlink (or in a linked folder) that leaves the workspace or home',
    severity: 'medium',
    help: 'The file is a link, or sits in a folder that is a link, to somewhere outside the workspace and home directory. mcp-harden reads it but will not change it through the link.',
    fix: 'Check the link target; harden the target file where it lives.',
  },
  'secret-in-backup': {
    id: 'secret-in-backup',
    title: 'Credential in a client backup copy',
    severity: 'medium',
    help: 'Clients keep backup copies of their configs (for example ~/.claude/backups/). They hold the same plaintext secrets and outlive any fix to the main file.',
    fix: 'Remove the backup copies once the secrets are in the keychain.',
  },
  'token-scope-exceeds-trust': {
    id: 'token-scope-exceeds-trust',
    title: "Token can do more than its server's trust level allows",
    severity: 'high',
    help:
      'The provider says this token holds write or admin scopes (for example admin:org or repo), but the server it is given to is trusted only to read (limited) or not at all (untrusted). A prompt injection or a compromised release of that server can use every scope the token has. Found by `audit --online`, which asks the provider.',
    fix: 'Create a token with only read scopes for this server, replace the old one (`mcp-harden rotate`) and revoke it at the provider.',
  },
  'token-invalid': {
    id: 'token-invalid',
    title: 'Token is rejected by its provider',
    severity: 'high',
    help:
      'The provider rejected the token (revoked, expired or never valid). The server that uses it fails, and a revoked token in a config is often a leaked one that was already rotated elsewhere. Found by `audit --online`.',
    fix: 'Create a new token with the scopes the server needs, replace the old value (`mcp-harden rotate`), and remove the dead one.',
  },
  'policy-violation': {
    id: 'policy-violation',
    title: 'Config differs from the team policy',
    severity: 'medium',
    help:
      'The committed mcp-harden.policy.json says which project servers the team runs, at which trust level and version, and which secrets they need. A server it does not list, a version it does not pin, or a secret reference that went missing means the config drifted from what the team agreed on.',
    fix: 'Bring the config back in line with the policy, or update the policy (`mcp-harden fix` rewrites it) and commit the change for review.',
  },
  'stale-secret': {
    id: 'stale-secret',
    title: 'Keychain secret has not been rotated for a long time',
    severity: 'low',
    help:
      "A credential mcp-harden keeps in the keychain was stored or last rotated longer ago than the maximum age (90 days unless `audit --max-secret-age` or the policy's maxSecretAgeDays sets another). The longer a token lives, the more copies of it collect in logs, backups and old configs, and the longer a leaked copy keeps working.",
    fix: 'Create a new token at the provider, replace the stored value (`mcp-harden rotate NAME`), then revoke the old token there.',
  },
};

const ORDER: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function severityAtLeast(s: Severity, threshold: Severity): boolean {
  return ORDER[s] >= ORDER[threshold];
}

export function compareSeverity(a: Severity, b: Severity): number {
  return ORDER[a] - ORDER[b];
}
