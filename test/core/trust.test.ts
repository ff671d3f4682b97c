// The suggested trust level (DESIGN §6) and the evidence shown with it.
import { describe, expect, it } from 'vitest';
import { matchServer } from '../../src/core/catalog/index.js';
import type { RuleId, Server } from '../../src/core/model.js';
import { suggestTrust, type TrustContext } from '../../src/core/trust.js';
import { remote, stdio } from './catalog/servers.js';

const suggest = (server: Server, context: TrustContext = { secrets: 0 }) => suggestTrust(server, matchServer(server), context);

describe('suggestTrust levels', () => {
  it.each<[string, Server, 'trusted' | 'limited' | 'untrusted', RegExp]>([
    // First party, pinned, local.
    ['vendor image pinned by tag', stdio('docker', 'run', '-i', '--rm', 'ghcr.io/github/github-mcp-server:v0.9.1'), 'trusted', /GitHub publishes it and the version is pinned/],
    ['vendor npm package pinned', stdio('npx', '-y', '@sentry/mcp-server@0.17.1'), 'trusted', /Sentry publishes it/],
    ['official PyPI package pinned', stdio('uvx', 'mcp-server-git==2025.1.1'), 'trusted', /MCP project publishes it/],
    ['vendor binary installed locally', stdio('github-mcp-server', 'stdio'), 'trusted', /installed copy/],
    ['first party by npm scope, not in the catalog', stdio('npx', '-y', '@upstash/context7-mcp@1.0.31'), 'trusted', /Upstash publishes it/],
    // First party but unpinned, or remote.
    ['vendor package unpinned', stdio('npx', '-y', '@supabase/mcp-server-supabase@latest'), 'limited', /not pinned/],
    ['vendor image on latest', stdio('docker', 'run', '-i', 'ghcr.io/github/github-mcp-server:latest'), 'limited', /not pinned/],
    ['vendor remote server', remote('https://mcp.linear.app/mcp'), 'limited', /Linear's remote server/],
    ['remote through a pinned proxy', stdio('npx', '-y', 'mcp-remote@0.1.18', 'https://mcp.sentry.dev/mcp'), 'limited', /remote server/],
    // Archived: at most limited, whatever else holds.
    ['archived, pinned', stdio('npx', '-y', '@modelcontextprotocol/server-github@2025.4.8'), 'limited', /archived 2025-05-29: no more fixes; migrate to GitHub MCP Server/],
    ['archived without a successor', stdio('npx', '-y', '@modelcontextprotocol/server-slack@2025.4.25'), 'limited', /^archived 2025-05-29: no more fixes$/],
    ['archived and unpinned: the archive is the news', stdio('npx', '-y', '@modelcontextprotocol/server-gdrive'), 'limited', /^archived 2025-05-29/],
    // Third party.
    ['catalogued third party, pinned', stdio('uvx', 'mcp-atlassian==0.11.9'), 'limited', /sooperset is a reputable third party/],
    ['catalogued third party, unpinned', stdio('uvx', 'mcp-atlassian'), 'untrusted', /third party and the version is not pinned/],
    ['Docker catalog image, pinned, not catalogued', stdio('docker', 'run', '-i', 'mcp/everything:1.0'), 'limited', /Docker MCP catalog/],
    // Unknown.
    ['unknown npm package, even pinned', stdio('npx', '-y', 'some-mcp@1.2.3'), 'untrusted', /unknown publisher: some-mcp@1.2.3/],
    ['lookalike of an official package', stdio('npx', '-y', '@anthropic-ai/mcp-server-github'), 'untrusted', /unknown publisher/],
    ['local script', stdio('node', 'build/index.js'), 'untrusted', /unknown publisher: node/],
    ['unknown remote host', remote('https://mcp.example.com/mcp'), 'untrusted', /unknown publisher: mcp.example.com/],
    ['vendor remote through an unpinned proxy', stdio('npx', '-y', 'mcp-remote', 'https://mcp.supabase.com/mcp'), 'untrusted', /the local proxy mcp-remote is not pinned/],
  ])('%s → %s', (_what, server, level, reason) => {
    const t = suggest(server);
    expect(t.level).toBe(level);
    expect(t.reasons[0]).toMatch(reason);
  });

  it.each<[RuleId, Server]>([
    ['dangerous-container', stdio('docker', 'run', '-i', '--privileged', 'ghcr.io/github/github-mcp-server:v0.9.1')],
    ['broad-filesystem-access', stdio('npx', '-y', '@modelcontextprotocol/server-filesystem@2025.7.1', '/')],
    ['insecure-transport', remote('http://mcp.linear.app/mcp')],
  ])('a risky setting (%s) makes even a first-party server untrusted', (rule, server) => {
    const t = suggest(server, { secrets: 1, risks: [rule] });
    expect(t.level).toBe('untrusted');
    expect(t.reasons[0]).toBe(`risky setting: ${rule}`);
    expect(t.reasons).toContain('an untrusted server should hold no secret with write scope');
  });

  it('ignores findings that say nothing about trust', () => {
    const t = suggest(stdio('npx', '-y', '@sentry/mcp-server@0.17.1'), { secrets: 1, risks: ['plaintext-secret', 'file-permissions'] });
    expect(t.level).toBe('trusted');
  });

  it('lists every reason, the decisive one first', () => {
    const t = suggest(stdio('npx', '-y', '@modelcontextprotocol/server-github'), { secrets: 1, risks: ['dangerous-container'] });
    expect(t.level).toBe('untrusted');
    expect(t.reasons[0]).toBe('risky setting: dangerous-container');
    expect(t.reasons.slice(1, 3)).toEqual([
      'archived 2025-05-29: no more fixes; migrate to GitHub MCP Server',
      'MCP project publishes it, but it is not pinned: any new release runs',
    ]);
  });
});

describe('suggestTrust evidence', () => {
  it('names publisher, pinning, transport and secrets for a pinned vendor image', () => {
    const t = suggest(stdio('docker', 'run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server:v0.9.1'), {
      secrets: 1,
      secretKeys: ['GITHUB_PERSONAL_ACCESS_TOKEN'],
    });
    expect(t.evidence).toEqual({
      publisher: 'GitHub (the provider itself): GitHub MCP Server',
      pinning: 'pinned: ghcr.io/github/github-mcp-server:v0.9.1',
      transport: 'local (stdio)',
      secrets: 'holds 1 secret (GITHUB_PERSONAL_ACCESS_TOKEN)',
    });
    expect(t.facts).toMatchObject({ publisher: 'vendor', publisherName: 'GitHub', pinned: true, remote: false, entryId: 'github' });
  });

  it('says a remote server is remote, over which protocol, and that the provider picks its version', () => {
    const t = suggest(remote('https://mcp.supabase.com/mcp?project_ref=abc'), { secrets: 2 });
    expect(t.evidence.transport).toBe('remote, https (mcp.supabase.com)');
    expect(t.evidence.pinning).toBe('remote: the provider decides which version runs');
    expect(t.evidence.secrets).toBe('holds 2 secrets');
    expect(t.facts.pinned).toBeNull();
    expect(suggest(remote('http://localhost:3000/mcp')).evidence.transport).toBe('this machine, plain http (localhost:3000)');
    expect(suggest(stdio('npx', '-y', 'mcp-remote@0.1.18', 'https://mcp.linear.app/sse')).evidence.transport).toBe('remote, https (mcp.linear.app) through mcp-remote');
  });

  it('marks an archived server and an unpinned package in the evidence', () => {
    const t = suggest(stdio('npx', '-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/db'));
    expect(t.evidence.publisher).toBe('MCP project (official MCP reference server): PostgreSQL (archived), archived 2025-05-29');
    expect(t.evidence.pinning).toBe('not pinned: @modelcontextprotocol/server-postgres fetches the newest release at each start');
    expect(t.evidence.secrets).toBe('holds no secret');
  });

  it('shows tool annotations only when they are known', () => {
    const server = stdio('npx', '-y', '@modelcontextprotocol/server-filesystem@2025.7.1', '/w');
    expect(suggest(server).evidence.annotations).toBeUndefined();
    expect(suggest(server, { secrets: 0, annotations: { readOnly: 5, destructive: 2, total: 11 } }).evidence.annotations).toBe(
      '11 tools: 5 read-only, 2 destructive (as the tools declare)',
    );
  });

  it('takes the entry it is given: a server the user says is a catalogued one is judged as such', () => {
    const server = stdio('/opt/bin/my-github', 'stdio');
    expect(suggestTrust(server, undefined, { secrets: 0 }).level).toBe('untrusted');
    expect(suggestTrust(server, matchServer(stdio('github-mcp-server')), { secrets: 0 }).level).toBe('trusted');
  });
});
