// Trust levels are keyed by server identity (file, client, name). Tests that mean "every server of
// this name" say so by name; this turns that into the keys the plan reads.
import { annotationKey } from '../../src/app/plan.js';
import type { Server } from '../../src/core/model.js';
import type { TrustLevel } from '../../src/core/trust.js';

export function trustByName(servers: readonly Server[], byName: ReadonlyMap<string, TrustLevel>): Map<string, TrustLevel> {
  return new Map(servers.flatMap((s) => (byName.has(s.name) ? [[annotationKey(s), byName.get(s.name)!] as const] : [])));
}
