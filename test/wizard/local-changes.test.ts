// The Scopes step's local changes: each is keyed by its kind, file, client and server, so two
// clients' servers of the same name are turned off one at a time and read apart.
import { describe, expect, it } from 'vitest';
import type { PreparedFix } from '../../src/app/fix.js';
import { withoutLocalChanges, type Action } from '../../src/core/plan.js';
import { localChangesOf } from '../../src/wizard/data.js';
import { readOnly, view } from '../helpers/twin-servers.js';


const actions: Action[] = [
  readOnly('cursor', '/h/.cursor/mcp.json'),
  readOnly('gemini', '/h/.gemini/settings.json'),
  { kind: 'set-permissions', file: '/h/.claude/settings.json', servers: ['github'], ask: ['mcp__github__create_issue'], deny: [] },
  { kind: 'set-permissions', file: '/h/ws/.claude/settings.local.json', servers: ['github'], ask: [], deny: ['mcp__github__create_issue'] },
];
const prepared = { plan: { workspace: view.workspace, actions, leftOver: [] } } as unknown as PreparedFix;

describe('local changes of servers with the same name', () => {
  it('each row has its own key and names its client (and its file when the client has two)', () => {
    const rows = localChangesOf(prepared, view);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.key)).size).toBe(4);
    expect(rows[0]!.label).toMatch(/^Cursor: read-only "github"/);
    expect(rows[1]!.label).toMatch(/^Gemini CLI: read-only "github"/);
    expect(rows[2]!.label).toBe('ask before its 1 write tool in Claude Code');
    expect(rows[3]!.label).toBe('deny its 1 write tool in Claude Code');
  });

  it('turning one off leaves the others in the plan', () => {
    const rows = localChangesOf(prepared, view);
    expect(withoutLocalChanges(actions, new Set([rows[0]!.key]))).toEqual(actions.slice(1));
    expect(withoutLocalChanges(actions, new Set([rows[1]!.key]))).toEqual([actions[0], actions[2], actions[3]]);
    expect(withoutLocalChanges(actions, new Set([rows[2]!.key]))).toEqual([actions[0], actions[1], actions[3]]);
  });

  it('one client’s two files with a server of the same name: the file tells the rows apart', () => {
    const two = { plan: { workspace: view.workspace, actions: [readOnly('cursor', '/h/.cursor/mcp.json'), readOnly('cursor', '/h/ws/.cursor/mcp.json')], leftOver: [] } } as unknown as PreparedFix;
    const rows = localChangesOf(two, view);
    expect(rows.map((r) => r.label)).toEqual([
      expect.stringMatching(/^Cursor: read-only "github".*\(~\/\.cursor\/mcp\.json\)$/),
      expect.stringMatching(/^Cursor: read-only "github".*\(\.cursor\/mcp\.json\)$/),
    ]);
  });
});
