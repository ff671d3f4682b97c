import { describe, expect, test } from 'vitest';
import type { Located, Server } from '../../src/core/model.js';
import { packageRef, serverRisks } from '../../src/core/risks.js';

function loc(value: string, column = 1): Located {
  return { value, line: 3, column, path: [] };
}

function stdio(command: string, args: string[], name = 'srv'): Server {
  return {
    name,
    client: 'claude-code',
    scope: 'project',
    file: '/ws/.mcp.json',
    path: ['mcpServers', name],
    line: 2,
    column: 5,
    transport: 'stdio',
    command: loc(command),
    args: args.map((a, i) => loc(a, 10 + i)),
    env: [],
    headers: [],
  };
}

function remote(url: string, transport: 'http' | 'sse' = 'http'): Server {
  return { ...stdio('x', []), command: undefined, args: [], transport, url: loc(url) };
}

const rules = (s: Server, home = '/home/dev') => serverRisks(s, home).map((f) => f.rule);

describe('unpinned-package', () => {
  test.each([
    ['npx', ['-y', '@modelcontextprotocol/server-github']],
    ['npx', ['-y', 'some-mcp@latest']],
    ['npx', ['some-mcp@^1.2.0']],
    ['C:\\Program Files\\nodejs\\npx.cmd', ['-y', 'pkg']],
    ['cmd', ['/c', 'npx', '-y', 'pkg']],
    ['uvx', ['mcp-server-fetch']],
    ['uvx', ['--from', 'awslabs.aws-api-mcp-server', 'aws-api']],
    ['docker', ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server']],
    ['docker', ['run', '-i', 'mcp/fetch:latest']],
    ['pnpm', ['dlx', 'some-mcp']],
    ['/home/dev/.local/share/mcp-harden/bin/mcp-harden-launch', ['npx', '-y', 'pkg']],
    ['mcp-harden', ['exec', '--', 'uvx', 'mcp-server-fetch']],
  ])('%s %j is unpinned', (cmd, args) => {
    expect(rules(stdio(cmd, args))).toContain('unpinned-package');
  });

  test.each([
    ['npx', ['-y', '@modelcontextprotocol/server-github@2025.4.8']],
    ['npx', ['-y', 'some-mcp@1.2.3']],
    ['uvx', ['mcp-server-fetch==2025.1.17']],
    ['uvx', ['--from', 'awslabs.aws-api-mcp-server@1.0.2', 'aws-api']],
    ['docker', ['run', '-i', '--rm', 'ghcr.io/github/github-mcp-server:v0.9.1']],
    ['docker', ['run', '-i', `mcp/fetch@sha256:${'a'.repeat(64)}`]],
    ['node', ['/opt/server/index.js']],
    ['python', ['-m', 'my_server']],
  ])('%s %j is pinned or not a package runner', (cmd, args) => {
    expect(rules(stdio(cmd, args))).not.toContain('unpinned-package');
  });

  test('the finding points at the package argument', () => {
    const s = stdio('npx', ['-y', 'pkg']);
    const f = serverRisks(s, '/home/dev').find((x) => x.rule === 'unpinned-package')!;
    expect(f.column).toBe(11);
    expect(f.message).toContain('pkg');
  });

  test('-p names the package for npx', () => {
    expect(packageRef(stdio('npx', ['-p', 'tool@1.0.0', 'tool-bin']))?.pinned).toBe(true);
  });
});

describe('insecure-transport', () => {
  test('plain http to a remote host is flagged', () => {
    expect(rules(remote('http://mcp.example.com/mcp'))).toContain('insecure-transport');
    expect(rules(remote('http://10.0.0.5:8080/sse', 'sse'))).toContain('insecure-transport');
  });
  test('https and loopback are fine', () => {
    expect(rules(remote('https://mcp.example.com/mcp'))).not.toContain('insecure-transport');
    expect(rules(remote('http://localhost:3000/mcp'))).not.toContain('insecure-transport');
    expect(rules(remote('http://127.0.0.1:3000/mcp'))).not.toContain('insecure-transport');
    expect(rules(remote('http://[::1]:3000/mcp'))).not.toContain('insecure-transport');
    expect(rules(remote('${MCP_URL}'))).not.toContain('insecure-transport');
  });
});

describe('broad-filesystem-access', () => {
  test.each([['/'], ['~'], ['/home/dev'], ['/home/dev/'], ['/Users/someone'], ['C:\\'], ['${HOME}']])(
    'filesystem server given %s',
    (dir) => {
      expect(rules(stdio('npx', ['-y', '@modelcontextprotocol/server-filesystem@2025.1.1', dir]))).toContain(
        'broad-filesystem-access',
      );
    },
  );
  test('a project directory is fine', () => {
    expect(rules(stdio('npx', ['-y', '@modelcontextprotocol/server-filesystem@2025.1.1', '/home/dev/project']))).not.toContain(
      'broad-filesystem-access',
    );
  });
  test('other servers given / are not filesystem servers', () => {
    expect(rules(stdio('node', ['server.js', '/']))).not.toContain('broad-filesystem-access');
  });
});

describe('dangerous-container', () => {
  test.each([
    [['run', '--privileged', 'img:1']],
    [['run', '--network', 'host', 'img:1']],
    [['run', '--net=host', 'img:1']],
    [['run', '-v', '/var/run/docker.sock:/var/run/docker.sock', 'img:1']],
    [['run', '--cap-add', 'SYS_ADMIN', 'img:1']],
  ])('docker %j', (args) => {
    expect(rules(stdio('docker', args))).toContain('dangerous-container');
  });
  test('a plain docker run is fine', () => {
    expect(rules(stdio('docker', ['run', '-i', '--rm', '-e', 'TOKEN', 'img:1.0']))).toEqual([]);
  });
  test('options after the image belong to the server, not to docker', () => {
    expect(rules(stdio('docker', ['run', '-i', 'img:1.0', '--privileged']))).not.toContain('dangerous-container');
  });
});
