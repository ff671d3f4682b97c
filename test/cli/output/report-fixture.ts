// A hand-built audit report for the printer tests. It holds no secret values (the report type
// cannot): only masks and fingerprints, which are hashes of fixed labels, not of credentials.
import { createHash } from 'node:crypto';
import type { Finding, SecretRef, Severity } from '../../../src/core/model.js';
import type { AuditReport, ReportSummary } from '../../../src/core/report.js';
import { severityAtLeast } from '../../../src/core/rules.js';

export const HOME = '/home/dev';
export const WORKSPACE = '/home/dev/work/app';

const fp = (label: string) => createHash('sha256').update(label).digest('hex').slice(0, 12);

export const GITHUB: SecretRef = { provider: 'github', kind: 'pat-classic', fingerprint: fp('fixture-a'), masked: 'ghp_…(40)' };
export const SLACK: SecretRef = { provider: 'slack', kind: 'bot-token', fingerprint: fp('fixture-b'), masked: 'xoxb-…(57)' };
export const FIXTURE_TOKEN: SecretRef = { provider: 'github', kind: 'pat-classic', fingerprint: fp('fixture-c'), masked: 'ghp_…(40)' };

export const LONG_DIR = `${WORKSPACE}/packages/very-long-package-name-for-layout/config/editor-settings/nested`;

export function summarize(findings: Finding[], failOn: Severity, counts: Pick<ReportSummary, 'clients' | 'sources' | 'servers' | 'secrets'>): ReportSummary {
  const active = findings.filter((f) => !f.suppressed);
  const bySeverity = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  const byRule: ReportSummary['byRule'] = {};
  for (const f of active) {
    bySeverity[f.severity]++;
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  }
  return {
    ...counts,
    findings: active.length,
    suppressed: findings.length - active.length,
    bySeverity,
    byRule,
    failing: active.filter((f) => severityAtLeast(f.severity, failOn)).length,
  };
}

export function sampleReport(): AuditReport {
  const claudeJson = `${HOME}/.claude.json`;
  const cursorProject = `${LONG_DIR}/.cursor/mcp.json`;
  const cursorUser = `${HOME}/.cursor/mcp.json`;
  const findings: Finding[] = [
    {
      rule: 'unpinned-package',
      severity: 'medium',
      message: 'npx runs @modelcontextprotocol/server-github without a version.',
      file: claudeJson,
      line: 12,
      column: 7,
      client: 'claude-code',
      server: 'github',
    },
    {
      rule: 'plaintext-secret',
      severity: 'high',
      message: 'GitHub personal access token in env GITHUB_PERSONAL_ACCESS_TOKEN.',
      file: claudeJson,
      line: 15,
      column: 40,
      client: 'claude-code',
      server: 'github',
      secret: GITHUB,
      fix: 'Move the value into the OS keychain.',
    },
    {
      rule: 'broad-filesystem-access',
      severity: 'high',
      message: 'The filesystem server is given / (the whole disk).',
      file: claudeJson,
      line: 22,
      client: 'claude-code',
      server: 'filesystem',
    },
    {
      rule: 'file-permissions',
      severity: 'high',
      message: 'Readable by group and others (mode 644).',
      file: claudeJson,
      client: 'claude-code',
    },
    {
      rule: 'plaintext-secret',
      severity: 'high',
      // A message that names the fingerprint: the SARIF printer must still keep it out.
      message: `Slack bot token ${SLACK.masked} sha256:${SLACK.fingerprint} in env SLACK_BOT_TOKEN.`,
      file: cursorProject,
      line: 7,
      column: 24,
      client: 'cursor',
      server: 'slack',
      secret: SLACK,
    },
    {
      rule: 'secret-file-tracked',
      severity: 'critical',
      message: 'This file holds a credential and is committed to git.',
      file: cursorProject,
      client: 'cursor',
      secret: SLACK,
    },
    {
      rule: 'config-unparseable',
      severity: 'medium',
      message: 'Expected a comma or closing brace.',
      file: cursorUser,
      line: 3,
      column: 5,
      client: 'cursor',
    },
    {
      rule: 'plaintext-secret',
      severity: 'high',
      message: 'GitHub personal access token in GITHUB_TOKEN.',
      file: `${WORKSPACE}/.env`,
      line: 2,
      column: 14,
      secret: GITHUB,
    },
    {
      rule: 'env-not-gitignored',
      severity: 'medium',
      message: '.env is not ignored by git.',
      file: `${WORKSPACE}/.env`,
    },
    {
      rule: 'secret-in-shell-history',
      severity: 'high',
      message: 'claude mcp add … -e GITHUB_PERSONAL_ACCESS_TOKEN=ghp_…(40)',
      file: `${HOME}/.bash_history`,
      line: 120,
      secret: GITHUB,
    },
    {
      rule: 'plaintext-secret',
      severity: 'high',
      message: 'GitHub personal access token in GITHUB_TOKEN.',
      file: `${WORKSPACE}/test/fixtures/.env`,
      line: 1,
      column: 14,
      secret: FIXTURE_TOKEN,
      suppressed: { reason: 'revoked token kept as a parser fixture' },
    },
  ];
  const failOn: Severity = 'high';
  return {
    tool: { name: 'mcp-harden', version: '0.1.0' },
    schema: 1,
    workspace: WORKSPACE,
    home: true,
    clients: ['claude-code', 'cursor'],
    sources: [
      { file: claudeJson, client: 'claude-code', scope: 'user', format: 'json', label: 'Claude Code user config', status: 'parsed', servers: 2 },
      { file: cursorProject, client: 'cursor', scope: 'project', format: 'json', label: 'Cursor project config', status: 'parsed', servers: 1 },
      { file: cursorUser, client: 'cursor', scope: 'user', format: 'json', label: 'Cursor user config', status: 'unparseable', servers: 0 },
    ],
    servers: [
      {
        name: 'github',
        client: 'claude-code',
        scope: 'user',
        file: claudeJson,
        line: 10,
        transport: 'stdio',
        launch: 'npx -y @modelcontextprotocol/server-github',
        envKeys: ['GITHUB_PERSONAL_ACCESS_TOKEN'],
        headerKeys: [],
        findings: 2,
      },
      {
        name: 'filesystem',
        client: 'claude-code',
        scope: 'user',
        file: claudeJson,
        line: 20,
        transport: 'stdio',
        launch: 'npx -y @modelcontextprotocol/server-filesystem /',
        envKeys: [],
        headerKeys: [],
        findings: 1,
      },
      {
        name: 'slack',
        client: 'cursor',
        scope: 'project',
        file: cursorProject,
        line: 3,
        transport: 'stdio',
        launch: `node ${LONG_DIR}/node_modules/@modelcontextprotocol/server-slack/dist/index.js --team T0123456`,
        envKeys: ['SLACK_BOT_TOKEN', 'SLACK_TEAM_ID'],
        headerKeys: [],
        findings: 1,
      },
      {
        name: 'docs',
        client: 'cursor',
        scope: 'project',
        file: cursorProject,
        line: 12,
        transport: 'http',
        launch: 'https://docs.example.com/mcp',
        envKeys: [],
        headerKeys: ['Authorization'],
        findings: 0,
      },
    ],
    secrets: [
      { ...GITHUB, confidence: 'high', locations: [{ file: claudeJson, line: 15, where: 'env', key: 'GITHUB_PERSONAL_ACCESS_TOKEN', client: 'claude-code', server: 'github' }] },
      { ...SLACK, confidence: 'high', locations: [{ file: cursorProject, line: 7, where: 'env', key: 'SLACK_BOT_TOKEN', client: 'cursor', server: 'slack' }] },
      { ...FIXTURE_TOKEN, confidence: 'high', locations: [{ file: `${WORKSPACE}/test/fixtures/.env`, line: 1, where: 'dotenv', key: 'GITHUB_TOKEN' }] },
    ],
    findings,
    notes: ['Could not read /home/dev/.codeium/windsurf/mcp_config.json: permission denied.'],
    failOn,
    summary: summarize(findings, failOn, { clients: 2, sources: 3, servers: 4, secrets: 3 }),
  };
}

/** A report of a machine where nothing is configured. */
export function emptyReport(): AuditReport {
  return {
    ...sampleReport(),
    clients: [],
    sources: [],
    servers: [],
    secrets: [],
    findings: [],
    notes: [],
    summary: summarize([], 'high', { clients: 0, sources: 0, servers: 0, secrets: 0 }),
  };
}
