import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const allowList = JSON.parse(
  readFileSync(path.join(root, 'tests/security/electronegativity-allowlist.json'), 'utf8'),
) as { issue: string; file: string; why: string }[];

interface Finding {
  readonly issue: string;
  readonly file: string;
  readonly location: string;
  readonly description: string;
}

interface Sarif {
  readonly runs: readonly {
    readonly results: readonly {
      readonly ruleId: string;
      readonly message: { readonly text: string };
      readonly locations: readonly {
        readonly physicalLocation: {
          readonly artifactLocation: { readonly uri: string };
          readonly region: { readonly startLine: number; readonly startColumn: number };
        };
      }[];
    }[];
  }[];
}

/**
 * The findings of electronegativity's SARIF report, written in one fs.writeFile (its CSV report is written by two
 * concurrent writes, header and rows, which a loaded machine interleaves into a torn file).
 */
function findingsOf(text: string): Finding[] {
  const sarif = JSON.parse(text) as Sarif;
  return sarif.runs.flatMap((run) =>
    run.results.map((result) => {
      const where = result.locations[0]!.physicalLocation;
      return {
        issue: result.ruleId,
        file: where.artifactLocation.uri,
        location: `${where.region.startLine}:${where.region.startColumn}`,
        description: result.message.text,
      };
    }),
  );
}

describe('electronegativity gate', () => {
  it('finds nothing outside the reviewed allow-list, and the allow-list has no stale entries', () => {
    // Scan the code that ships to Electron (not tests, not node_modules), as a copy with relative paths.
    const scan = mkdtempSync(path.join(os.tmpdir(), 'ferry-eneg-'));
    for (const part of ['main', 'preload', 'renderer', 'package.json']) {
      cpSync(path.join(root, part), path.join(scan, part), { recursive: true });
    }
    const report = path.join(scan, 'report.sarif');
    const cli = path.join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');
    const run = spawnSync(
      process.execPath,
      ['-r', path.join(root, 'tests/security/offline-got.cjs'), cli, '-i', scan, '-o', report, '-r', '-v', 'false'],
      { encoding: 'utf8', env: { ...process.env, LANG: 'en-US' } },
    );
    expect(run.status, run.stderr).toBe(0);
    const findings = findingsOf(readFileSync(report, 'utf8'));
    expect(findings.length).toBeGreaterThan(0); // the scanner really ran (preload and CSP are always reported)

    const allowed = (f: Finding) => allowList.some((a) => a.issue === f.issue && a.file === f.file);
    const unexpected = findings.filter((f) => !allowed(f));
    expect(unexpected, 'new electronegativity findings: fix them or review and allow-list them').toEqual([]);
    const stale = allowList.filter((a) => !findings.some((f) => f.issue === a.issue && f.file === a.file));
    expect(stale, 'allow-list entries that no longer match a finding: remove them').toEqual([]);
  });
});
