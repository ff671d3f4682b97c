import { describe, expect, test } from 'vitest';
import { normalizePyName, pinTarget, replaceSpec, versionKey } from '../../src/core/pin.js';
import type { PackageRef } from '../../src/core/risks.js';

const ref = (runner: PackageRef['runner'], spec: string, arg = spec, pinned = false): PackageRef => ({
  runner,
  spec,
  pinned,
  at: { value: arg, path: ['mcpServers', 'x', 'args', 1], line: 1, column: 1 },
});

describe('pinTarget', () => {
  test('npx: a bare name or @latest is pinned as name@version, scoped names included', () => {
    expect(pinTarget(ref('npx', '@modelcontextprotocol/server-github'))?.pinned('1.2.3')).toBe('@modelcontextprotocol/server-github@1.2.3');
    expect(pinTarget(ref('npx', 'mcp-remote@latest'))?.pinned('0.1.9')).toBe('mcp-remote@0.1.9');
    expect(pinTarget(ref('npx', '@scope/pkg@latest'))?.name).toBe('@scope/pkg');
  });

  test('npx: ranges, other tags, paths and already pinned specs are left alone', () => {
    expect(pinTarget(ref('npx', 'pkg@^1.2.0'))).toBeUndefined();
    expect(pinTarget(ref('npx', 'pkg@next'))).toBeUndefined();
    expect(pinTarget(ref('npx', './local-server'))).toBeUndefined();
    expect(pinTarget(ref('npx', 'github:owner/repo'))).toBeUndefined();
    expect(pinTarget(ref('npx', 'pkg@1.0.0', 'pkg@1.0.0', true))).toBeUndefined();
  });

  test('uvx: the positional form takes name@version, --from takes a requirement with its extras', () => {
    expect(pinTarget(ref('uvx', 'mcp-server-fetch'))?.pinned('2025.4.7')).toBe('mcp-server-fetch@2025.4.7');
    expect(pinTarget(ref('uvx', 'mcp-server-git[cli]'), '--from')?.pinned('1.0')).toBe('mcp-server-git[cli]==1.0');
    expect(pinTarget(ref('uvx', 'mcp-server-git', '--from=mcp-server-git'))?.pinned('1.0')).toBe('mcp-server-git==1.0');
    // Extras need the requirement form, which the positional argument does not take.
    expect(pinTarget(ref('uvx', 'mcp-server-git[cli]'))).toBeUndefined();
    expect(pinTarget(ref('uvx', 'pkg>=1.0'))).toBeUndefined();
  });

  test('docker and pipx are not pinned from a cache', () => {
    expect(pinTarget(ref('docker', 'ghcr.io/github/github-mcp-server'))).toBeUndefined();
    expect(pinTarget(ref('pipx', 'some-server'))).toBeUndefined();
  });
});

test('replaceSpec rewrites the spec alone or after --opt=, and nothing else', () => {
  expect(replaceSpec('pkg', 'pkg', 'pkg@1.0.0')).toBe('pkg@1.0.0');
  expect(replaceSpec('--from=pkg', 'pkg', 'pkg==1.0')).toBe('--from=pkg==1.0');
  expect(replaceSpec('other', 'pkg', 'pkg@1.0.0')).toBeUndefined();
});

test('Python names compare normalized', () => {
  expect(normalizePyName('MCP_Server.Fetch')).toBe('mcp-server-fetch');
  expect(versionKey('uvx', 'mcp_server_fetch')).toBe(versionKey('uvx', 'mcp-server-fetch'));
  expect(versionKey('npx', 'Pkg')).not.toBe(versionKey('npx', 'pkg'));
});
