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

/**
 * Parses electronegativity's CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks); null when the
 * file is torn or holds no row: the tool writes its header and its rows with two concurrent fs.writeFile calls,
 * which a loaded machine may interleave.
 */
function parseCsv(text: string): Finding[] | null {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const data = rows.slice(1).filter((r) => r.length > 1);
  if (!text.startsWith('issue, severity') || data.length === 0 || data.some((r) => r.length < 8)) return null;
  return data.map((r) => ({
    issue: r[0]!.trim(),
    file: r[3]!.trim(),
    location: r[4]!.trim(),
    description: r[6]!.trim(),
  }));
}

describe('electronegativity gate', () => {
  it('finds nothing outside the reviewed allow-list, and the allow-list has no stale entries', () => {
    // Scan the code that ships to Electron (not tests, not node_modules), as a copy with relative paths.
    const scan = mkdtempSync(path.join(os.tmpdir(), 'ferry-eneg-'));
    for (const part of ['main', 'preload', 'renderer', 'package.json']) {
      cpSync(path.join(root, part), path.join(scan, part), { recursive: true });
    }
    const csv = path.join(scan, 'report.csv');
    const cli = path.join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');
    let findings: Finding[] | null = null;
    for (let attempt = 1; findings === null && attempt <= 3; attempt++) {
      const run = spawnSync(
        process.execPath,
        ['-r', path.join(root, 'tests/security/offline-got.cjs'), cli, '-i', scan, '-o', csv, '-r', '-v', 'false'],
        { encoding: 'utf8', env: { ...process.env, LANG: 'en-US' } },
      );
      expect(run.status, run.stderr).toBe(0);
      findings = parseCsv(readFileSync(csv, 'utf8'));
    }
    if (findings === null) throw new Error('electronegativity wrote a torn CSV report three times in a row');
    expect(findings.length).toBeGreaterThan(0); // the scanner really ran (preload and CSP are always reported)

    const allowed = (f: Finding) => allowList.some((a) => a.issue === f.issue && a.file === f.file);
    const unexpected = findings.filter((f) => !allowed(f));
    expect(unexpected, 'new electronegativity findings: fix them or review and allow-list them').toEqual([]);
    const stale = allowList.filter((a) => !findings.some((f) => f.issue === a.issue && f.file === a.file));
    expect(stale, 'allow-list entries that no longer match a finding: remove them').toEqual([]);
  });
});
