import { describe, expect, it } from 'vitest';
import { renderJson, UnsafeReportError } from '../../../src/cli/output/json.js';
import { GITHUB, sampleReport } from './report-fixture.js';

describe('renderJson', () => {
  it('prints the report as one pretty JSON document that round-trips', () => {
    const report = sampleReport();
    const text = renderJson(report);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "workspace": ');
    expect(JSON.parse(text)).toEqual(report);
  });

  it('carries secrets on findings as provider, kind and fingerprint', () => {
    const doc = JSON.parse(renderJson(sampleReport())) as { findings: { secret?: Record<string, string> }[] };
    const withSecret = doc.findings.filter((f) => f.secret);
    expect(withSecret.length).toBeGreaterThan(0);
    for (const f of withSecret) {
      expect(f.secret).toMatchObject({ provider: expect.any(String), kind: expect.any(String) });
      expect(f.secret?.['fingerprint']).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(withSecret[0]?.secret).toMatchObject({ provider: 'github', kind: 'pat-classic', fingerprint: GITHUB.fingerprint });
  });

  it('refuses a report that carries a value property, without echoing it', () => {
    const report = sampleReport();
    const leaked = 'not-a-real-credential-but-treated-as-one';
    const finding = report.findings[1]!;
    Object.assign(finding.secret!, { value: leaked });
    let error: unknown;
    try {
      renderJson(report);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnsafeReportError);
    expect((error as Error).message).toContain('$.findings[1].secret.value');
    expect((error as Error).message).not.toContain(leaked);
  });
});
