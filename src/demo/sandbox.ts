// A throwaway HOME and workspace that look like a real developer machine: several clients, .env
// files, a client backup and shell history, all holding synthetic tokens of real shapes.
// Used by `mcp-harden demo` and by the end-to-end tests.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fakeHex, fakeToken, randomString } from './synthetic-tokens.js';

export interface SandboxSecrets {
  github: string;
  slack: string;
  brave: string;
  postgresPassword: string;
  linear: string;
  sentry: string;
  openai: string;
  anthropic: string;
  notion: string;
  stripe: string;
}

export interface Sandbox {
  root: string;
  home: string;
  workspace: string;
  /** The synthetic values planted, so tests can check none of them is ever printed. */
  secrets: SandboxSecrets;
  /** Environment for a process that should see only the sandbox. */
  env: Record<string, string>;
}

function makeSecrets(seed: string): SandboxSecrets {
  return {
    github: fakeToken('github-classic', `${seed}-github`),
    slack: fakeToken('slack-bot', `${seed}-slack`),
    // Brave keys have no known prefix: only the key name says it is a credential.
    brave: fakeHex(`${seed}-brave`, 32),
    postgresPassword: randomString(`${seed}-pg`, 18),
    linear: fakeToken('linear', `${seed}-linear`),
    sentry: fakeToken('sentry-user', `${seed}-sentry`),
    openai: fakeToken('openai-project', `${seed}-openai`),
    anthropic: fakeToken('anthropic', `${seed}-anthropic`),
    notion: fakeToken('notion', `${seed}-notion`),
    stripe: fakeToken('stripe-restricted', `${seed}-stripe`),
  };
}

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function git(cwd: string, args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Sandbox',
      GIT_AUTHOR_EMAIL: 'sandbox@example.invalid',
      GIT_COMMITTER_NAME: 'Sandbox',
      GIT_COMMITTER_EMAIL: 'sandbox@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
    },
  });
}

/** Builds the sandbox under `parent` (a new temp dir by default). Linux/macOS layout of the home dir. */
export function buildSandbox(opts: { parent?: string; seed?: string } = {}): Sandbox {
  const root = mkdtempSync(join(opts.parent ?? tmpdir(), 'mcp-harden-sandbox-'));
  const home = join(root, 'home');
  const workspace = join(root, 'workspace', 'acme-app');
  mkdirSync(home, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const s = makeSecrets(opts.seed ?? 'demo');

  // Claude Code: a user-scope server and a local-scope one for this workspace, in ~/.claude.json.
  const claude = {
    numStartups: 42,
    mcpServers: {
      github: {
        type: 'stdio',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-github'],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: s.github },
      },
    },
    projects: {
      [workspace]: {
        hasTrustDialogAccepted: true,
        mcpServers: {
          slack: {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-slack@2025.4.25'],
            env: { SLACK_BOT_TOKEN: s.slack, SLACK_TEAM_ID: 'T0123456789' },
          },
        },
      },
    },
  };
  write(join(home, '.claude.json'), json(claude));
  write(join(home, '.claude', 'backups', '.claude.json.backup.1763900000000'), json(claude), 0o600);

  // Cursor (user): a key with no known prefix, and a database password inside a connection string.
  write(
    join(home, '.cursor', 'mcp.json'),
    json({
      mcpServers: {
        'brave-search': {
          command: 'npx',
          args: ['-y', '@brave/brave-search-mcp-server@1.3.2'],
          env: { BRAVE_API_KEY: s.brave, BRAVE_MCP_TRANSPORT: 'stdio' },
        },
        postgres: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-postgres@0.6.2', `postgresql://app:${s.postgresPassword}@db.internal:5432/app`],
        },
      },
    }),
  );

  // Windsurf: a remote server with a bearer token in its headers.
  write(
    join(home, '.codeium', 'windsurf', 'mcp_config.json'),
    json({ mcpServers: { linear: { serverUrl: 'https://mcp.linear.app/mcp', headers: { Authorization: `Bearer ${s.linear}` } } } }),
  );

  // Gemini CLI (user settings, JSON with comments).
  write(
    join(home, '.gemini', 'settings.json'),
    `{
  // Gemini CLI settings
  "theme": "Default",
  "mcpServers": {
    "sentry": {
      "command": "npx",
      "args": ["-y", "@sentry/mcp-server@0.20.0"],
      "env": { "SENTRY_ACCESS_TOKEN": "${s.sentry}" },
      "trust": true
    }
  }
}
`,
  );

  // Codex (TOML).
  write(
    join(home, '.codex', 'config.toml'),
    `model = "gpt-5"

[mcp_servers.docs]
command = "uvx"
args = ["openai-docs-mcp"]

[mcp_servers.docs.env]
OPENAI_API_KEY = "${s.openai}"
`,
  );

  // VS Code (user): done right, with an input variable; nothing to flag here.
  write(
    join(home, '.config', 'Code', 'User', 'mcp.json'),
    json({
      inputs: [{ type: 'promptString', id: 'github_token', description: 'GitHub token', password: true }],
      servers: {
        github: { type: 'http', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ${input:github_token}' } },
      },
    }),
  );

  // Shell history: the way most tokens get there.
  write(
    join(home, '.bash_history'),
    [
      'cd ~/src/acme-app',
      `claude mcp add github -e GITHUB_PERSONAL_ACCESS_TOKEN=${s.github} -- npx -y @modelcontextprotocol/server-github`,
      'git status',
      `export ANTHROPIC_API_KEY=${s.anthropic}`,
      '',
    ].join('\n'),
    0o600,
  );

  // The workspace: a committed .mcp.json with a token in it, .env files, risky servers.
  write(
    join(workspace, '.mcp.json'),
    json({
      mcpServers: {
        filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '~'] },
        notion: {
          command: 'npx',
          args: ['-y', '@notionhq/notion-mcp-server@1.9.0'],
          env: { NOTION_TOKEN: s.notion },
        },
        'internal-search': { type: 'http', url: 'http://mcp.internal.example:8080/mcp' },
      },
    }),
  );
  write(
    join(workspace, '.vscode', 'mcp.json'),
    json({
      servers: {
        stripe: {
          type: 'stdio',
          command: 'npx',
          args: ['-y', '@stripe/mcp@0.2.4', '--tools=customers.read,invoices.read'],
          envFile: '${workspaceFolder}/.env',
        },
      },
    }),
  );
  write(
    join(workspace, '.cursor', 'mcp.json'),
    json({
      mcpServers: {
        browser: { command: 'docker', args: ['run', '-i', '--rm', '--privileged', 'mcp/playwright'] },
      },
    }),
  );
  write(
    join(workspace, '.env'),
    `# Stripe, used by the stripe MCP server\nSTRIPE_SECRET_KEY=${s.stripe}\nSTRIPE_ACCOUNT=acct_demo\nANTHROPIC_API_KEY=${s.anthropic}\n`,
  );
  // Gemini CLI (project): takes a key from the environment, which a .env file provides.
  write(
    join(workspace, '.gemini', 'settings.json'),
    json({
      mcpServers: {
        claude: { command: 'npx', args: ['-y', 'claude-mcp-bridge@0.4.1'], env: { ANTHROPIC_API_KEY: '${ANTHROPIC_API_KEY}' } },
      },
    }),
  );
  write(
    join(workspace, '.env.local'),
    `DATABASE_URL=postgresql://app:${s.postgresPassword}@localhost:5432/app\nOPENAI_API_KEY=\n`,
  );
  write(join(workspace, '.env.example'), 'STRIPE_SECRET_KEY=rk_live_your-key-here\nDATABASE_URL=\n');
  write(join(workspace, '.gitignore'), 'node_modules/\n.env.local\n');
  write(join(workspace, 'package.json'), json({ name: 'acme-app', private: true }));
  // A vendored tree the scan must skip.
  write(join(workspace, 'node_modules', 'some-lib', '.env'), `SOME_LIB_TOKEN=${fakeHex(`${opts.seed ?? 'demo'}-vendored`, 32)}\n`);

  git(workspace, ['init', '-q']);
  git(workspace, ['add', '.mcp.json', '.gitignore', 'package.json', '.env.example']);
  git(workspace, ['commit', '-q', '-m', 'Initial commit']);

  const env: Record<string, string> = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
  };
  return { root, home, workspace, secrets: s, env };
}
