// Two servers named "github" in two clients, each switched to read-only: the fixture of the tests
// that check the Scopes step keeps them apart.
import type { Action } from '../../src/core/plan.js';

export const view = { home: '/h', workspace: '/h/ws' };

export const readOnly = (client: 'cursor' | 'gemini', file: string): Action => ({
  kind: 'set-read-only',
  file,
  client,
  server: 'github',
  serverPath: ['mcpServers', 'github'],
  trust: 'limited',
  entry: 'github',
  env: { GITHUB_READ_ONLY: '1' },
  envPath: ['mcpServers', 'github', 'env'],
  args: [],
});
