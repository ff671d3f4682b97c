// The team the onboarding tests join: a committed .mcp.json referencing three keychain secrets and
// the policy describing them (no value anywhere: names and references only).
export const MCP_JSON = `{
  "mcpServers": {
    "github": {
      "command": "mcp-harden-launch",
      "args": ["npx", "-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN" }
    },
    "slack": {
      "command": "mcp-harden-launch",
      "args": ["npx", "-y", "@modelcontextprotocol/server-slack@2025.4.25"],
      "env": { "SLACK_BOT_TOKEN": "keychain:mcp-harden/SLACK_BOT_TOKEN", "SLACK_TEAM_ID": "T0123456" }
    },
    "notion": {
      "command": "mcp-harden-launch",
      "args": ["npx", "-y", "@notionhq/notion-mcp-server@1.9.0"],
      "env": { "NOTION_TOKEN": "keychain:mcp-harden/NOTION_TOKEN" }
    }
  }
}
`;

export const POLICY = {
  version: 1,
  servers: [
    { name: 'github', client: 'claude-code', file: '.mcp.json', transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN' }, trust: 'limited', pin: '@modelcontextprotocol/server-github@2025.4.8' },
    { name: 'slack', client: 'claude-code', file: '.mcp.json', transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-slack@2025.4.25'], env: { SLACK_BOT_TOKEN: 'keychain:mcp-harden/SLACK_BOT_TOKEN', SLACK_TEAM_ID: 'T0123456' }, trust: 'limited', pin: '@modelcontextprotocol/server-slack@2025.4.25' },
    { name: 'notion', client: 'claude-code', file: '.mcp.json', transport: 'stdio', command: 'npx', args: ['-y', '@notionhq/notion-mcp-server@1.9.0'], env: { NOTION_TOKEN: 'keychain:mcp-harden/NOTION_TOKEN' }, trust: 'untrusted', pin: '@notionhq/notion-mcp-server@1.9.0' },
  ],
  secrets: [
    { name: 'GITHUB_PERSONAL_ACCESS_TOKEN', provider: 'github', kind: 'personal-access-token', servers: ['github'], scopes: { kind: 'classic scopes', trusted: ['repo'], limited: ['public_repo', 'read:org'], untrusted: [] }, create: 'https://github.com/settings/tokens/new?scopes=public_repo,read:org' },
    { name: 'SLACK_BOT_TOKEN', provider: 'slack', servers: ['slack'], scopes: { kind: 'bot scopes', trusted: ['channels:history', 'chat:write'], limited: ['channels:history', 'channels:read'], untrusted: [] }, create: 'https://api.slack.com/apps' },
    { name: 'NOTION_TOKEN', provider: 'notion', servers: ['notion'], create: 'https://www.notion.so/profile/integrations' },
  ],
};
