import { describe, expect, it } from 'vitest';
import { renderHuman } from '../../../src/cli/output/human.js';
import { stripAnsi } from '../../../src/cli/output/theme.js';
import { GITHUB, HOME, SLACK, emptyReport, sampleReport, summarize } from './report-fixture.js';
import type { AuditReport } from '../../../src/core/report.js';

const ANSI = /\u001b\[/;

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** Index of the first line containing `needle` at or after `from`; fails the test when absent. */
function lineOf(all: string[], needle: string, from = 0): number {
  const i = all.findIndex((l, n) => n >= from && l.includes(needle));
  expect(i, `no line with ${JSON.stringify(needle)} after line ${from}`).toBeGreaterThanOrEqual(0);
  return i;
}

describe('renderHuman', () => {
  const plain = renderHuman(sampleReport(), { color: false, home: HOME });
  const out = lines(plain);

  it('starts with the workspace and whether home configs were read', () => {
    expect(out[1]).toBe('Workspace: ~/work/app · home configs read');
    const noHome = renderHuman({ ...sampleReport(), home: false }, { color: false, home: HOME });
    expect(noHome).toContain('home configs not read (--no-home)');
  });

  it('groups by client, then config file, then server, with each finding under its server', () => {
    const claude = lineOf(out, 'Claude Code');
    const claudeFile = lineOf(out, '  ~/.claude.json  user · 2 servers', claude);
    const github = lineOf(out, '    github  user · stdio', claudeFile);
    const githubSecret = lineOf(out, 'plaintext-secret  ~/.claude.json:15', github);
    const githubPin = lineOf(out, 'unpinned-package  ~/.claude.json:12', github);
    const filesystem = lineOf(out, '    filesystem  user · stdio', github);
    const cursor = lineOf(out, 'Cursor', filesystem);
    const slack = lineOf(out, '    slack  project · stdio', cursor);
    const docs = lineOf(out, '    docs  project · http', slack);
    // The github findings sit between the github and filesystem entries, most severe first.
    expect(githubSecret).toBeLessThan(githubPin);
    expect(githubPin).toBeLessThan(filesystem);
    expect(lineOf(out, 'broad-filesystem-access', filesystem)).toBeLessThan(cursor);
    expect(lineOf(out, 'plaintext-secret', slack)).toBeLessThan(docs);
    expect(out[docs + 1]).toContain('https://docs.example.com/mcp');
    expect(out[docs + 2]).toContain('no findings');
    expect(out[lineOf(out, 'github  user')+1]).toBe('      npx -y @modelcontextprotocol/server-github');
  });

  it('lists findings that belong to files, not servers, after the servers, grouped by file', () => {
    const lastServer = lineOf(out, 'docs  project');
    const other = lineOf(out, 'Other files');
    expect(other).toBeGreaterThan(lastServer);
    // Workspace files are shown relative to the workspace named in the header.
    const env = lineOf(out, '  .env', other);
    expect(lineOf(out, 'plaintext-secret  .env:2', env)).toBe(env + 1);
    expect(lineOf(out, 'env-not-gitignored', env)).toBeGreaterThan(env);
    expect(lineOf(out, 'secret-in-shell-history  ~/.bash_history:120', other)).toBeGreaterThan(other);
    expect(lineOf(out, 'file-permissions  ~/.claude.json', other)).toBeGreaterThan(other);
    expect(lineOf(out, 'config-unparseable  ~/.cursor/mcp.json:3', other)).toBeGreaterThan(other);
  });

  it('shows secrets only as mask and fingerprint', () => {
    expect(plain).toContain(`ghp_…(40) sha256:${GITHUB.fingerprint}`);
    // The message already names the Slack fingerprint, so it is not repeated on its own line.
    expect(plain).toContain(`xoxb-…(57) sha256:${SLACK.fingerprint} in env`);
    expect(plain.split(`sha256:${SLACK.fingerprint}`)).toHaveLength(3); // slack finding + tracked-file finding
  });

  it('puts suppressed findings in their own section with the reason', () => {
    const sup = lineOf(out, 'Suppressed (1)');
    expect(out[sup + 1]).toBe('  plaintext-secret  test/fixtures/.env:1');
    expect(out[sup + 2]).toBe('    reason: revoked token kept as a parser fixture');
    expect(out.filter((l) => l.includes('test/fixtures/.env'))).toHaveLength(1);
  });

  it('prints the notes and a summary ending with the verdict and the next step', () => {
    const notes = lineOf(out, 'Notes');
    expect(out[notes + 1]).toBe('  - Could not read ~/.codeium/windsurf/mcp_config.json: permission denied.');
    const summary = lineOf(out, 'Summary', notes);
    expect(out.slice(summary + 1)).toEqual([
      '  2 clients · 3 config files · 4 servers · 3 secrets',
      '  10 findings: 1 critical · 6 high · 3 medium (1 suppressed)',
      '  Audit failed: 7 findings at or above high (--fail-on high).',
      '  Next: run `mcp-harden fix --dry-run` to see the plan.',
    ]);
  });

  it('says the audit passed when findings stay below the threshold', () => {
    const r = sampleReport();
    const report: AuditReport = { ...r, failOn: 'critical', summary: { ...r.summary, failing: 1 } };
    expect(renderHuman(report, { color: false })).toContain('Audit failed: 1 finding at or above critical (--fail-on critical).');
    const low: AuditReport = { ...r, failOn: 'critical', summary: { ...r.summary, failing: 0 } };
    const text = renderHuman(low, { color: false });
    expect(text).toContain('Audit passed: nothing at or above critical (--fail-on critical).');
    expect(text).toContain('mcp-harden fix --dry-run');
  });

  it('says plainly when nothing is found', () => {
    const text = renderHuman(emptyReport(), { color: false, home: HOME });
    expect(text).toContain('No MCP client configs found in the workspace or your home directory.');
    expect(text).toContain('No findings: nothing to fix.');
    expect(text).toContain('Audit passed: nothing at or above high (--fail-on high).');
    expect(text).not.toContain('fix --dry-run');

    const clean: AuditReport = {
      ...sampleReport(),
      findings: [],
      summary: summarize([], 'high', { clients: 2, sources: 3, servers: 4, secrets: 0 }),
    };
    const cleanText = renderHuman(clean, { color: false });
    expect(cleanText).not.toContain('No MCP client configs found');
    expect(cleanText).toContain('No findings: nothing to fix.');
    expect(cleanText).not.toContain('Other files');
  });

  it('uses ~ only when the home directory is given', () => {
    const raw = renderHuman(sampleReport(), { color: false });
    expect(raw).toContain('Workspace: /home/dev/work/app');
    expect(raw).toContain('  /home/dev/.claude.json  user');
    expect(plain).not.toContain('/home/dev/');
    expect(plain).toContain('node ~/work/app/packages/');
  });

  it('has no escape codes without colour, and the same text with colour', () => {
    expect(plain).not.toMatch(ANSI);
    const colored = renderHuman(sampleReport(), { color: true, home: HOME });
    expect(colored).toMatch(ANSI);
    expect(colored).toContain('\u001b[31m'); // high/critical in red
    expect(colored).toContain('\u001b[33m'); // medium in yellow
    expect(stripAnsi(colored)).toBe(plain);
    // Only basic 16-colour SGR codes (no 256-colour or truecolor sequences).
    expect(colored).not.toMatch(/\u001b\[[34]8;/);
  });

  it.each([80, 60, 40])('fits %i columns, truncating long paths in the middle', (cols) => {
    for (const color of [false, true]) {
      for (const verbose of [false, true]) {
        const text = stripAnsi(renderHuman(sampleReport(), { color, width: cols, verbose, home: HOME }));
        for (const l of lines(text)) expect([...l].length, l).toBeLessThanOrEqual(cols);
      }
    }
    const text = renderHuman(sampleReport(), { color: false, width: cols, home: HOME });
    // The long project path keeps its start and its file name.
    expect(text).toMatch(/\n\s*p[^\n]*…[^\n]*mcp\.json/);
    // Fingerprints are wrapped onto their own line when needed, never cut.
    expect(text).toContain(`sha256:${GITHUB.fingerprint}`);
    expect(text).toContain(`sha256:${SLACK.fingerprint}`);
  });

  it('shows env and header names and fixes only when verbose', () => {
    const verbose = renderHuman(sampleReport(), { color: false, verbose: true, home: HOME });
    expect(verbose).toContain('env: SLACK_BOT_TOKEN, SLACK_TEAM_ID');
    expect(verbose).toContain('headers: Authorization');
    expect(verbose).toContain('Fix: Move the value into the OS keychain.');
    expect(plain).not.toContain('env: SLACK_BOT_TOKEN');
    expect(plain).not.toContain('Fix:');
  });
});
