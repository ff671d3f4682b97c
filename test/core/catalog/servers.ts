// Declared servers built from a command line or a URL, for catalog and trust tests.
import type { Located, Server } from '../../../src/core/model.js';

const at = (value: string, i: number): Located => ({ value, line: 1, column: 1 + i, path: ['args', i] });

const base = { name: 'x', client: 'claude-code' as const, scope: 'project' as const, file: '/w/.mcp.json', path: ['mcpServers', 'x'], line: 1, column: 1, env: [], headers: [] };

/** A stdio server: `stdio('npx', '-y', 'pkg')`. */
export function stdio(command: string, ...args: string[]): Server {
  return { ...base, transport: 'stdio', command: { ...at(command, 0), path: ['command'] }, args: args.map((a, i) => at(a, i)) };
}

/** A remote server reached over streamable HTTP. */
export function remote(url: string): Server {
  return { ...base, transport: 'http', args: [], url: { ...at(url, 0), path: ['url'] } };
}
