// What to do at each provider so a token holds only what its MCP server needs, and where: the
// provider table of the scope catalog (core/catalog/providers.ts), shaped for the wizard.
import { PROVIDERS, providerFor } from '../core/catalog/providers.js';

export interface ProviderLink {
  label: string;
  /** Least privilege at the provider, in one line. */
  advice: string;
  /** Where to create a narrower token (or manage the existing one). */
  url: string;
}

export const PROVIDER_LINKS: Readonly<Record<string, ProviderLink>> = Object.fromEntries(
  Object.entries(PROVIDERS).map(([id, p]) => [id, { label: p.label, advice: p.advice, url: p.create }]),
);

/** The provider guidance for a secret, by detector provider or else by the name it is stored under. */
export function providerLink(provider: string, account?: string): { id: string; link: ProviderLink } | undefined {
  const found = providerFor(provider, account);
  return found ? { id: found.id, link: PROVIDER_LINKS[found.id]! } : undefined;
}
