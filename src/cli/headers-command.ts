// `mcp-harden headers 'Name: value'…`: what a Claude Code `headersHelper` runs (DESIGN §7).
//
// Each argument is a header whose value holds {{keychain:SERVICE/ACCOUNT}} references; the command
// resolves them through the keychain and prints ONE JSON object of the headers on stdout, which
// Claude Code merges into the remote server's request headers. This is the one place a secret value
// goes to stdout: that is what a headersHelper is for, and only the client that runs it reads it.
// The helper line in the config holds references only. Errors are one line on stderr, never a value.
import type { SecretStore } from '../ports/secret-store.js';
import { resolveHeaders } from '../app/remote-headers.js';

/** Resolves the header specs and writes the JSON object; the exit code is 0 (errors are thrown). */
export async function runHeaders(
  specs: readonly string[],
  openStore: () => Promise<SecretStore>,
  write: (text: string) => Promise<void>,
): Promise<number> {
  const headers = await resolveHeaders(specs, openStore);
  await write(JSON.stringify(headers) + '\n');
  return 0;
}
