// The wizard's trust suggestion per server (DESIGN §6): the catalog-based suggestion of core/trust,
// fed from what the wizard has (the masked launch line, the server's findings) and shaped for its steps.
import { launchIdentity, matchServer } from '../core/catalog/match.js';
import type { Finding, Located, Server, Transport } from '../core/model.js';
import { RISKY_RULES, suggestTrust as suggestFromCatalog } from '../core/trust.js';
import type { TrustSuggestion } from './state.js';

const at = (value: string): Located => ({ value, line: 0, column: 0, path: [] });

/**
 * A server rebuilt from its launch line: enough to recognise the package, image, program or URL.
 * The line is split on blanks, so a path with spaces comes apart; the parts that identify a
 * server (runner, package, image, URL) have none.
 */
function serverOf(launch: string, transport: Transport): Server {
  const base = { name: '', client: 'claude-code' as const, scope: 'user' as const, file: '', path: [], line: 0, column: 0, transport, env: [], headers: [] };
  if (transport !== 'stdio') return { ...base, args: [], url: at(launch.trim()) };
  const words = launch.split(/\s+/).filter(Boolean);
  return { ...base, ...(words[0] ? { command: at(words[0]) } : {}), args: words.slice(1).map(at) };
}

/** The package, image or host a launch line names: `npx -y @x/y@1.2` → `@x/y@1.2`; undefined for a program run directly. */
export function sourceOf(launch: string, transport: Transport): string | undefined {
  const id = launchIdentity(serverOf(launch, transport));
  if (id.kind === 'url') return id.url?.hostname;
  return id.kind === 'npm' || id.kind === 'pypi' || id.kind === 'docker' ? id.what : undefined;
}

export function suggestTrust(input: { launch: string; transport: Transport; findings: Finding[]; secretsHeld: number }): TrustSuggestion {
  const server = serverOf(input.launch, input.transport);
  const entry = matchServer(server);
  const risks = input.findings.map((f) => f.rule).filter((r) => RISKY_RULES.includes(r));
  const t = suggestFromCatalog(server, entry, { secrets: input.secretsHeld, risks });
  const source = sourceOf(input.launch, input.transport);
  return {
    suggested: t.level,
    publisher: t.evidence.publisher,
    ...(source ? { source } : {}),
    pinned: t.facts.pinned,
    transportNote: t.evidence.transport,
    secretsHeld: input.secretsHeld,
    reason: t.reasons[0] ?? t.level,
  };
}
