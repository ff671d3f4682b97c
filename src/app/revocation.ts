// After a rotation: is the old token dead? The provider's read-only validity check answers once the
// user says they revoked it, and the provider table says where to revoke it.
import { providerFor } from '../core/catalog/providers.js';
import { CHECKERS, checkFor, providerLabel, type CheckOptions } from '../adapters/scope-check.js';

export type RevocationStatus = 'revoked' | 'still-valid' | 'unknown';

export interface RevocationResult {
  status: RevocationStatus;
  /** One line for the user. Never holds the value. */
  detail: string;
}

/**
 * Asks the provider whether `value` still works. `invalid` from the check means the token is dead;
 * `ok` means it still works and was not revoked (yet). The value goes only to its own provider.
 */
export async function checkRevoked(
  value: string,
  detection: { provider: string; kind: string },
  opts: CheckOptions = {},
): Promise<RevocationResult> {
  const which = checkFor(detection.provider, detection.kind, value);
  if (!which) {
    return {
      status: 'unknown',
      detail: `no read-only check exists for ${labelOf(detection.provider)}${detection.kind ? ` ${detection.kind}` : ''}; confirm at the provider that the old token is gone`,
    };
  }
  const r = await CHECKERS[which](value, opts);
  const label = providerLabel(which);
  if (r.status === 'invalid') return { status: 'revoked', detail: `${label} no longer accepts the old token: ${r.detail}` };
  if (r.status === 'ok') {
    return { status: 'still-valid', detail: `${label} still accepts the old token; revoke it there, then check again` };
  }
  return { status: 'unknown', detail: `could not tell whether ${label} still accepts the old token: ${r.detail}` };
}

/**
 * Where to revoke a provider's token: the provider's revoke page, else its token page (where the
 * existing tokens are managed too). By detector provider, or else by the keychain account name.
 */
export function revokeLink(provider: string, account?: string, kind?: string): string | undefined {
  // Classic GitHub tokens (ghp_) are listed on their own page, apart from the fine-grained ones.
  if (provider === 'github' && kind === 'personal-access-token') return 'https://github.com/settings/tokens';
  const found = providerFor(provider, account);
  return found ? (found.info.revoke ?? found.info.create) : undefined;
}

function labelOf(provider: string): string {
  return providerFor(provider)?.info.label ?? provider;
}
