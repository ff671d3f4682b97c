// Recognising known servers: by package (versions, tags and spelling variants ignored), image,
// program, or remote URL; lookalikes must not match.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageName, matchServer, matchServerDetail, npmName, pypiName, urlMatches } from '../../../src/core/catalog/index.js';
import { inferSource, parseConfig } from '../../../src/core/clients/index.js';
import { corpusFiles } from '../../helpers/corpus.js';
import { remote, stdio } from './servers.js';

describe('package, image and URL names', () => {
  it.each([
    ['@modelcontextprotocol/server-github@2025.4.8', '@modelcontextprotocol/server-github'],
    ['@playwright/mcp@latest', '@playwright/mcp'],
    ['@scope/name', '@scope/name'],
    ['firecrawl-mcp@1.2.3', 'firecrawl-mcp'],
    ['npm:@stripe/mcp@0.2.0', '@stripe/mcp'],
    ['Tavily-MCP', 'tavily-mcp'],
  ])('npm %s → %s', (spec, name) => expect(npmName(spec)).toBe(name));

  it.each([
    ['awslabs.aws-api-mcp-server@latest', 'awslabs-aws-api-mcp-server'],
    ['mcp-server-fetch==1.0', 'mcp-server-fetch'],
    ['MCP_Atlassian>=0.11', 'mcp-atlassian'],
    ['mcp-server-git[extra]~=1.0', 'mcp-server-git'],
  ])('pypi %s → %s', (spec, name) => expect(pypiName(spec)).toBe(name));

  it.each([
    ['ghcr.io/github/github-mcp-server:v0.9.1', 'ghcr.io/github/github-mcp-server'],
    ['ghcr.io/github/github-mcp-server@sha256:' + 'a'.repeat(64), 'ghcr.io/github/github-mcp-server'],
    ['docker.io/mcp/fetch:latest', 'mcp/fetch'],
    ['registry.local:5000/team/server:1', 'registry.local:5000/team/server'],
    ['docker.io/library/postgres', 'postgres'],
  ])('image %s → %s', (spec, name) => expect(imageName(spec)).toBe(name));

  it.each([
    ['api.githubcopilot.com/mcp', 'https://api.githubcopilot.com/mcp/', true],
    ['api.githubcopilot.com/mcp', 'https://api.githubcopilot.com/mcp/readonly', true],
    ['api.githubcopilot.com/mcp', 'https://api.githubcopilot.com/mcpx', false],
    ['mcp.linear.app', 'https://mcp.linear.app/sse', true],
    ['mcp.linear.app', 'https://mcp.linear.app.example.com/mcp', false],
    ['mcp.linear.app', 'https://evilmcp.linear.app/mcp', false],
    ['*.mcp.cloudflare.com', 'https://bindings.mcp.cloudflare.com/sse', true],
    ['*.mcp.cloudflare.com', 'https://mcp.cloudflare.com.evil.io/sse', false],
    ['mcp.linear.app', 'not a url', false],
  ])('url pattern %s covers %s: %s', (pattern, url, expected) => expect(urlMatches(pattern, url)).toBe(expected));
});

describe('matchServer', () => {
  it.each([
    // GitHub: the archived npm server, the image, the remote server, the installed binary.
    [stdio('npx', '-y', '@modelcontextprotocol/server-github@2025.4.8'), 'github-npm'],
    [stdio('docker', 'run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server:v0.9.1'), 'github'],
    [stdio('docker', 'run', '-i', '--rm', 'ghcr.io/github/github-mcp-server@sha256:' + 'b'.repeat(64)), 'github'],
    [remote('https://api.githubcopilot.com/mcp/'), 'github'],
    [stdio('github-mcp-server', 'stdio', '--read-only'), 'github'],
    [stdio('C:\\tools\\github-mcp-server.exe', 'stdio'), 'github'],
    // Python packages through uvx / pipx, with versions and extras.
    [stdio('uvx', 'awslabs.aws-api-mcp-server@latest'), 'aws-api'],
    [stdio('uvx', 'awslabs.eks-mcp-server@0.1.2', '--allow-write'), 'aws'],
    [stdio('uvx', 'mcp-server-fetch==1.0'), 'fetch'],
    [stdio('uvx', '--from', 'mcp-server-git==2025.1.1', 'mcp-server-git', '--repository', '.'), 'git'],
    [stdio('pipx', 'run', 'mcp-atlassian'), 'atlassian'],
    [stdio('docker', 'run', '-i', '--rm', 'mcp/fetch'), 'fetch'],
    // npm through wrappers.
    [stdio('cmd', '/c', 'npx', '-y', '@supabase/mcp-server-supabase@latest', '--read-only'), 'supabase'],
    [stdio('pnpm', 'dlx', '@sentry/mcp-server@0.17.1'), 'sentry'],
    [stdio('/bin/bash', '-lc', 'set -a && . ./.env && exec npx -y @playwright/mcp@0.0.30'), 'playwright'],
    [stdio('/usr/bin/node', '/work/app/node_modules/@playwright/mcp/cli.js', '--isolated'), 'playwright'],
    [stdio('npx', '-y', '@modelcontextprotocol/server-brave-search'), 'brave-search-npm'],
    [stdio('npx', '-y', '@brave/brave-search-mcp-server@2.0.0'), 'brave-search'],
    [stdio('npx', '-y', '@notionhq/notion-mcp-server'), 'notion'],
    [stdio('npx', '-y', '@stripe/mcp', '--tools=customers.read'), 'stripe'],
    [stdio('npx', '-y', '@modelcontextprotocol/server-slack'), 'slack'],
    [stdio('npx', '-y', '@modelcontextprotocol/server-gitlab'), 'gitlab'],
    [stdio('npx', '-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/db'), 'postgres'],
    [stdio('npx', '-y', '@modelcontextprotocol/server-filesystem', '/w'), 'filesystem'],
    [stdio('npx', '-y', '@modelcontextprotocol/server-gdrive'), 'gdrive'],
    [stdio('npx', '-y', '@modelcontextprotocol/server-google-maps'), 'google-maps'],
    [stdio('npx', '-y', 'figma-developer-mcp', '--stdio'), 'figma-framelink'],
    // Remote servers.
    [remote('https://mcp.linear.app/mcp'), 'linear'],
    [remote('https://mcp.sentry.dev/mcp'), 'sentry'],
    [remote('https://mcp.sentry.dev/mcp/my-org/my-project'), 'sentry'],
    [remote('https://mcp.supabase.com/mcp?project_ref=abc&read_only=true'), 'supabase'],
    [remote('https://mcp.notion.com/mcp'), 'notion'],
    [remote('https://mcp.stripe.com'), 'stripe'],
    [remote('https://mcp.cloudflare.com/mcp'), 'cloudflare'],
    [remote('https://observability.mcp.cloudflare.com/sse'), 'cloudflare'],
    [remote('https://huggingface.co/mcp'), 'huggingface'],
    [remote('https://mcp.figma.com/mcp'), 'figma'],
    [remote('https://mcp.atlassian.com/v1/sse'), 'atlassian-rovo'],
    [stdio('npx', '-y', 'mcp-remote@0.1.18', 'https://mcp.linear.app/sse'), 'linear'],
  ])('%#: %s', (server, id) => {
    expect(matchServer(server)?.id).toBe(id);
  });

  it.each([
    // Lookalike packages and hosts are not the servers they imitate.
    stdio('npx', '-y', '@anthropic-ai/mcp-server-github'),
    stdio('npx', '-y', '@modelcontextprotocol/server-github-extra'),
    stdio('npx', '-y', 'modelcontextprotocol-server-github'),
    stdio('uvx', 'awslabs-fake'),
    stdio('docker', 'run', '-i', 'ghcr.io/github-fake/github-mcp-server:1'),
    stdio('docker', 'exec', '-i', 'box', 'github-mcp-server'),
    remote('https://mcp.linear.app.example.com/mcp'),
    remote('https://api.githubcopilot.com/other'),
    remote('http://localhost:3000/mcp'),
    stdio('node', 'server.js'),
    stdio('npx', '-y', 'mcp-remote', 'https://example.com/mcp'),
  ])('%#: no match for a lookalike or unknown server', (server) => {
    expect(matchServer(server)).toBeUndefined();
  });

  it('says how a server was recognised and keeps the proxy of a remote one', () => {
    const d = matchServerDetail(stdio('npx', '-y', 'mcp-remote', 'https://mcp.supabase.com/mcp?project_ref=x'));
    expect(d?.entry.id).toBe('supabase');
    expect(d?.by).toBe('url');
    expect(d?.identity.via).toEqual({ spec: 'mcp-remote', pinned: false });
    const img = matchServerDetail(stdio('docker', 'run', '-i', 'ghcr.io/github/github-mcp-server:v0.9.1'));
    expect([img?.by, img?.what, img?.identity.pinned]).toEqual(['docker', 'ghcr.io/github/github-mcp-server:v0.9.1', true]);
  });
});

// Read by hand from the corpus: every server of a catalogued kind, and nothing else. Left out on
// purpose: lookalike packages (@anthropic-ai/mcp-server-github, @modelcontextprotocol/server-fetch,
// which is not the PyPI fetch server), `docker exec` into a running container, and a Python proxy
// that wraps npx (82ch cli_proxy.py).
const EXPECTED: [string, string, string][] = [
  ['claude-code/0nork__0nmcp-website__.mcp.json', 'supabase', 'supabase'],
  ['claude-code/0seo8__wisdom__.mcp.json', 'supabase', 'supabase'],
  ['claude-code/ChipsMetaverse__gvses-market-insights__backend_.mcp.json', 'supabase', 'supabase'],
  ['claude-code/CryptoGift-Wallets-DAO__cryptogift-wallets__frontend_.mcp.json', 'Sentry', 'sentry'],
  ['claude-code/ai-rio__cv-match__frontend_.mcp.json', 'Sentry', 'sentry'],
  ['claude-code/extropolis__claudia__backend_.mcp.json', 'playwright', 'playwright'],
  ['claude-code/intelogroup__clixen-ai__frontend_.mcp.json', 'supabase', 'supabase'],
  ['claude-code/mptyl__ThothAI__backend_.mcp.json', 'filesystem', 'filesystem'],
  ['claude-code/ravnish1__Sentinel-SOC__backend_.mcp.json', 'supabase', 'supabase'],
  ['claude-code/tnx9pv2rgt-bot__mechmind-os__backend_.mcp.json', 'filesystem', 'filesystem'],
  ['claude-code/tnx9pv2rgt-bot__mechmind-os__backend_.mcp.json', 'github', 'github-npm'],
  ['claude-code/tnx9pv2rgt-bot__mechmind-os__backend_.mcp.json', 'postgres', 'postgres'],
  ['claude-desktop/3rzy__claude-google-workspace-config__claude_desktop_config.json', 'brave-search', 'brave-search-npm'],
  ['claude-desktop/3rzy__claude-google-workspace-config__claude_desktop_config.json', 'filesystem', 'filesystem'],
  ['claude-desktop/3rzy__claude-google-workspace-config__claude_desktop_config.json', 'gdrive', 'gdrive'],
  ['claude-desktop/3rzy__claude-google-workspace-config__claude_desktop_config.json', 'github', 'github-npm'],
  ['claude-desktop/achtungluvzhere-create__claude__config_claude_desktop_config.json', 'filesystem', 'filesystem'],
  ['claude-desktop/achtungluvzhere-create__claude__config_claude_desktop_config.json', 'github', 'github-npm'],
  ['codex/AIPlanetLive__ai-agent-config-share__codex_config.toml', 'github', 'github-npm'],
  ['codex/Jarodak47__ai-configs__codex_config.toml', 'figma', 'figma'],
  ['cursor/0247473__Pimentel_DB__.cursor_mcp.json', 'supabase', 'supabase'],
  ['cursor/02falgun__CRM-Finance-Levithonlabs__.cursor_mcp.json', 'supabase', 'supabase'],
  ['cursor/1140137093__snake__.cursor_mcp.json', 'github', 'github-npm'],
  ['cursor/22syn__crm__.cursor_mcp.json', 'supabase', 'supabase'],
  ['cursor/FHFHockey-dev__fhfhockey.com__web_.cursor_mcp.json', 'supabase', 'supabase'],
  ['cursor/sahil00000001__aveoearthdevs-main-full__backend_.cursor_mcp.json', 'supabase', 'supabase'],
  ['cursor/sunnyrana3273__markit-social-e6b0910b__backend_.cursor_mcp.json', 'supabase', 'supabase'],
  ['gemini/220631948__cape-connect__.gemini_settings.json', 'filesystem', 'filesystem'],
  ['gemini/220631948__cape-connect__.gemini_settings.json', 'postgres', 'postgres'],
  ['gemini/2fitreport__test__.gemini_settings.json', 'supabase', 'supabase'],
  ['vscode/122sp7__xuanwu-app__.vscode_mcp.json', 'microsoft/playwright-mcp', 'playwright'],
  ['vscode/lakshmiya__RCA-Buddy__backend_.vscode_mcp.json', 'github-mcp-rca-buddy', 'github'],
  ['vscode/open4good__open4goods__frontend_.vscode_mcp.json', 'github', 'github-npm'],
  ['vscode/sboagy__tunetrees__frontend_.vscode_mcp.json', 'github', 'github'],
  ['vscode/sboagy__tunetrees__frontend_.vscode_mcp.json', 'playwright', 'playwright'],
  ['windsurf/Kblack0610__.dotfiles__.codeium_windsurf_mcp_config.json', 'filesystem', 'filesystem'],
  ['windsurf/Kblack0610__.dotfiles__.codeium_windsurf_mcp_config.json', 'git', 'git'],
  ['windsurf/bp848__mqdriven__.codeium_windsurf_mcp_config.json', 'supabase', 'supabase'],
  ['windsurf/bullpowerhubgit__supermegabot__.windsurf_mcp_config.json', 'filesystem', 'filesystem'],
  ['windsurf/bullpowerhubgit__supermegabot__.windsurf_mcp_config.json', 'github', 'github-npm'],
  ['windsurf/bullpowerhubgit__supermegabot__.windsurf_mcp_config.json', 'supabase', 'postgres'],
  ['windsurf/donlaur__Engify-AI-App__.windsurf_mcp_config.json', 'Sentry', 'sentry'],
];

describe('the shared corpus', () => {
  it('matches exactly the catalogued servers in it', () => {
    const found = new Set<string>();
    let servers = 0;
    for (const f of corpusFiles()) {
      const text = readFileSync(f.path, 'utf8');
      const parsed = parseConfig(inferSource(f.path, text, f.client), text);
      for (const s of parsed.servers) {
        servers++;
        const entry = matchServer(s);
        if (entry) found.add(JSON.stringify([`${f.folder}/${f.name}`, s.name, entry.id]));
      }
    }
    expect(servers).toBeGreaterThan(150);
    // The whole report, so an unexpected match fails as surely as a missed one.
    expect([...found].map((j) => JSON.parse(j) as string[]).sort()).toEqual([...EXPECTED].sort());
  });
});
