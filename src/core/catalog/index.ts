// The scope catalog (DESIGN §6): known MCP servers, how to recognise them, and what each should hold.
export { CATALOG } from './entries.js';
export { createLink, entriesForProvider, entryById, imageName, launchIdentity, matchServer, matchServerDetail, npmName, pypiName, urlMatches, type CatalogMatchResult, type LaunchIdentity } from './match.js';
export type { CatalogEntry, CatalogLinks, CatalogMatch, CatalogScopes, Publisher, ReadOnlySwitches, ScopesPerLevel, VerifyCall } from './types.js';
export { PUBLISHERS } from './types.js';
export { validateCatalog, validateProviders } from './validate.js';
export { NO_PROVIDER_PAGE, PROVIDERS, providerFor, type ProviderInfo } from './providers.js';
