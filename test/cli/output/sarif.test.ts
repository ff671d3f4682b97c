import { describe, expect, it } from 'vitest';
import { relativeToWorkspace, renderSarif, toFileUri } from '../../../src/cli/output/sarif.js';
import { RULES } from '../../../src/core/rules.js';
import type { AuditReport } from '../../../src/core/report.js';
import { WORKSPACE, sampleReport } from './report-fixture.js';

// No SARIF JSON schema ships in node_modules, so the shape GitHub code scanning needs is checked
// by hand: the SARIF 2.1.0 required properties plus the GitHub-specific ones.
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region: { startLine: number; startColumn?: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity': string };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; semanticVersion?: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: SarifResult[];
  }[];
}

/** Problems that would make a SARIF consumer reject or misplace the log; empty when fine. */
function sarifProblems(log: SarifLog): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0') problems.push('version is not 2.1.0');
  if (!log.$schema?.includes('sarif-2.1.0')) problems.push('$schema is not SARIF 2.1.0');
  if (!Array.isArray(log.runs) || log.runs.length !== 1) return [...problems, 'expected one run'];
  const run = log.runs[0]!;
  const driver = run.tool?.driver;
  if (!driver?.name) problems.push('tool.driver.name missing');
  const ids = driver.rules.map((r) => r.id);
  if (new Set(ids).size !== ids.length) problems.push('rule ids are not unique');
  for (const r of driver.rules) {
    if (!r.shortDescription?.text || !r.fullDescription?.text || !r.help?.text) problems.push(`rule ${r.id} lacks text`);
    if (!['error', 'warning', 'note', 'none'].includes(r.defaultConfiguration?.level)) problems.push(`rule ${r.id} level`);
    const sev = Number(r.properties['security-severity']);
    if (typeof r.properties['security-severity'] !== 'string' || !(sev >= 0 && sev <= 10)) problems.push(`rule ${r.id} security-severity`);
  }
  for (const [i, res] of run.results.entries()) {
    if (driver.rules[res.ruleIndex]?.id !== res.ruleId) problems.push(`result ${i}: ruleIndex does not match ruleId`);
    if (!['error', 'warning', 'note', 'none'].includes(res.level)) problems.push(`result ${i}: level`);
    if (!res.message?.text) problems.push(`result ${i}: empty message`);
    if (!Array.isArray(res.locations) || res.locations.length === 0) problems.push(`result ${i}: no location`);
    for (const loc of res.locations ?? []) {
      const { artifactLocation, region } = loc.physicalLocation;
      if (!(Number.isInteger(region.startLine) && region.startLine >= 1)) problems.push(`result ${i}: startLine`);
      if (region.startColumn !== undefined && !(region.startColumn >= 1)) problems.push(`result ${i}: startColumn`);
      if (artifactLocation.uriBaseId !== undefined) {
        if (!run.originalUriBaseIds[artifactLocation.uriBaseId]?.uri.endsWith('/')) problems.push(`result ${i}: base id`);
        if (/^[a-z]+:|^\//i.test(artifactLocation.uri)) problems.push(`result ${i}: uri with a base id is not relative`);
      } else if (!artifactLocation.uri.startsWith('file:///')) problems.push(`result ${i}: absolute uri is not file://`);
    }
    for (const s of res.suppressions ?? []) {
      if (!['inSource', 'external'].includes(s.kind)) problems.push(`result ${i}: suppression kind`);
    }
  }
  return problems;
}

function parse(report: AuditReport = sampleReport()): { text: string; log: SarifLog } {
  const text = renderSarif(report, { workspace: WORKSPACE });
  return { text, log: JSON.parse(text) as SarifLog };
}

describe('renderSarif', () => {
  it('produces a SARIF 2.1.0 log with the shape code scanning needs', () => {
    const { log } = parse();
    expect(sarifProblems(log)).toEqual([]);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs[0]!.tool.driver).toMatchObject({ name: 'mcp-harden', version: '0.1.0', semanticVersion: '0.1.0' });
    expect(log.runs[0]!.results).toHaveLength(sampleReport().findings.length);
  });

  it('declares every rule with a PascalCase name, level and security severity', () => {
    const rules = parse().log.runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id).sort()).toEqual(Object.keys(RULES).sort());
    const byId = new Map(rules.map((r) => [r.id, r]));
    expect(byId.get('plaintext-secret')).toMatchObject({
      name: 'PlaintextSecret',
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security'], 'security-severity': '8.0' },
    });
    expect(byId.get('secret-file-tracked')).toMatchObject({ defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '9.5' } });
    expect(byId.get('env-not-gitignored')).toMatchObject({ defaultConfiguration: { level: 'warning' }, properties: { 'security-severity': '5.5' } });
    expect(byId.get('plaintext-secret')!.help.markdown).toContain('**Fix:**');
  });

  it('carries no secret fingerprint anywhere, even when a message names one', () => {
    const report = sampleReport();
    const { text, log } = parse(report);
    const fingerprints = new Set([...report.secrets.map((s) => s.fingerprint), ...report.findings.flatMap((f) => (f.secret ? [f.secret.fingerprint] : []))]);
    expect(fingerprints.size).toBe(3);
    for (const fp of fingerprints) expect(text).not.toContain(fp);
    // (Rule help may mention `image@sha256:…` digests; results must not carry a hash.)
    expect(JSON.stringify(log.runs[0]!.results)).not.toContain('sha256:');
    // The masked form may leave the machine; the message stays readable without the hash.
    expect(log.runs[0]!.results.map((r) => r.message.text)).toContain('Slack bot token xoxb-…(57) in env SLACK_BOT_TOKEN.');
  });

  it('locates workspace files relative to %SRCROOT% and others by file:// URI', () => {
    const { log } = parse();
    const run = log.runs[0]!;
    expect(run.originalUriBaseIds['%SRCROOT%']).toEqual({ uri: 'file:///home/dev/work/app/' });
    const locs = run.results.map((r) => ({ rule: r.ruleId, ...r.locations[0]!.physicalLocation }));
    expect(locs).toContainEqual({
      rule: 'plaintext-secret',
      artifactLocation: { uri: '.env', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 14 },
    });
    expect(locs).toContainEqual({
      rule: 'secret-in-shell-history',
      artifactLocation: { uri: 'file:///home/dev/.bash_history' },
      region: { startLine: 120 },
    });
    // A finding about a whole file still gets a line, as SARIF needs.
    expect(locs).toContainEqual({
      rule: 'env-not-gitignored',
      artifactLocation: { uri: '.env', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
  });

  it('maps finding severity to the result level', () => {
    const results = parse().log.runs[0]!.results;
    const levelOf = (rule: string) => results.find((r) => r.ruleId === rule)!.level;
    expect(levelOf('secret-file-tracked')).toBe('error');
    expect(levelOf('unpinned-package')).toBe('warning');
    const report = sampleReport();
    report.findings[0] = { ...report.findings[0]!, severity: 'low' };
    expect(parse(report).log.runs[0]!.results[0]!.level).toBe('note');
  });

  it('derives partial fingerprints from rule and location only', () => {
    const results = parse().log.runs[0]!.results;
    const keys = results.map((r) => r.partialFingerprints['mcpHarden/v1']);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(keys).size).toBe(keys.length);
    // A rotated secret (new fingerprint, same place) keeps its alert identity; a moved one does not.
    const rotated = sampleReport();
    rotated.findings[1] = { ...rotated.findings[1]!, secret: { ...rotated.findings[1]!.secret!, fingerprint: '000000000000' } };
    expect(parse(rotated).log.runs[0]!.results[1]!.partialFingerprints).toEqual(results[1]!.partialFingerprints);
    const moved = sampleReport();
    moved.findings[1] = { ...moved.findings[1]!, line: 16 };
    expect(parse(moved).log.runs[0]!.results[1]!.partialFingerprints).not.toEqual(results[1]!.partialFingerprints);
  });

  it('marks suppressed findings with an external suppression and its reason', () => {
    const results = parse().log.runs[0]!.results;
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppressions).toEqual([{ kind: 'external', justification: 'revoked token kept as a parser fixture' }]);
    expect(suppressed[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('test/fixtures/.env');
  });
});

describe('SARIF locations', () => {
  it('keeps only paths inside the workspace relative', () => {
    expect(relativeToWorkspace('/w/app/a b/.env', '/w/app')).toBe('a b/.env');
    expect(relativeToWorkspace('/w/app2/.env', '/w/app')).toBeUndefined();
    expect(relativeToWorkspace('/w/.env', '/w/app')).toBeUndefined();
    expect(relativeToWorkspace('C:\\src\\app\\.vscode\\mcp.json', 'C:\\src\\app')).toBe('.vscode/mcp.json');
    expect(relativeToWorkspace('D:\\other\\mcp.json', 'C:\\src\\app')).toBeUndefined();
  });

  it('writes file:// URIs for POSIX, drive and UNC paths', () => {
    expect(toFileUri('/home/dev/My Files/.env')).toBe('file:///home/dev/My%20Files/.env');
    expect(toFileUri('C:\\Users\\dev\\.cursor\\mcp.json')).toBe('file:///C:/Users/dev/.cursor/mcp.json');
    expect(toFileUri('\\\\server\\share\\mcp.json')).toBe('file://server/share/mcp.json');
  });

  it('percent-encodes relative URIs too', () => {
    const report = sampleReport();
    report.findings = [{ ...report.findings[7]!, file: `${WORKSPACE}/my dir/.env` }];
    const { log } = parse(report);
    expect(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('my%20dir/.env');
  });
});
