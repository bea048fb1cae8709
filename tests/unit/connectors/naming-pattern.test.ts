// Naming patterns of delivery targets: every token, path-safe offer titles, refused patterns, unsafe expansions.
import { describe, expect, it } from 'vitest';
import {
  expandPattern,
  namingPatternProblem,
  pathSafeTitle,
  splitName,
} from '../../../connectors/delivery/naming-pattern';
import { conflictPath } from '../../../connectors/delivery/place-file';

const values = {
  offerTitle: 'EU: prices / daily',
  filePath: '2026/12/prices.v2.csv',
  acquisitionId: 'acq_1',
  availableAt: new Date(Date.UTC(2026, 0, 5, 23, 30)),
};

describe('naming patterns', () => {
  it('expands every token (dates in UTC, the extension with its dot)', () => {
    expect(expandPattern('{offer}/{yyyy}/{mm}/{dd}/{name}', values)).toBe(
      'EU- prices - daily/2026/01/05/prices.v2.csv',
    );
    expect(expandPattern('{acquisition}/{path}', values)).toBe('acq_1/2026/12/prices.v2.csv');
    expect(expandPattern('{stem}-copy{ext}', values)).toBe('prices.v2-copy.csv');
    expect(expandPattern('{stem}{ext}', { ...values, filePath: 'README' })).toBe('README');
  });

  it('makes titles path-safe: separators, reserved and control characters, dots and emptiness', () => {
    expect(pathSafeTitle('a/b\\c:d*e?f"g<h>i|j')).toBe('a-b-c-d-e-f-g-h-i-j');
    expect(pathSafeTitle('..')).toBe('offer');
    expect(pathSafeTitle('  .hidden. ')).toBe('hidden');
    expect(pathSafeTitle('tab\there\u0000')).toBe('tab-here-');
    expect(Buffer.byteLength(pathSafeTitle('é'.repeat(200)), 'utf8')).toBeLessThanOrEqual(100);
  });

  it('splits names into stem and extension', () => {
    expect(splitName('a.tar.gz')).toEqual({ stem: 'a.tar', ext: '.gz' });
    expect(splitName('.env')).toEqual({ stem: '.env', ext: '' });
    expect(splitName('plain')).toEqual({ stem: 'plain', ext: '' });
  });

  it('refuses patterns with unknown tokens, broken braces, no file name or unsafe text', () => {
    expect(namingPatternProblem('{offer}/{name}')).toBeUndefined();
    expect(namingPatternProblem('{offer}/{yyyy}/{mm}/{stem}{ext}')).toBeUndefined();
    expect(namingPatternProblem('{offer}/{nope}')).toContain('{nope}');
    expect(namingPatternProblem('{name')).toContain("'{' without");
    expect(namingPatternProblem('name}')).toContain("'}' without");
    expect(namingPatternProblem('{offer}/{yyyy}')).toContain('must name the file');
    expect(namingPatternProblem('../{name}')).toBeDefined();
    expect(namingPatternProblem('/{name}')).toBeDefined();
    expect(namingPatternProblem('{offer}//{name}')).toBeDefined();
    expect(namingPatternProblem('a\u0001b/{name}')).toBeDefined();
  });

  it('refuses an expansion that would not be a safe path', () => {
    expect(() => expandPattern('{path}', { ...values, filePath: '../escape.csv' })).toThrow(/Refused path/);
    expect(() => expandPattern('x/{name}', { ...values, filePath: '' })).toThrow(/empty name/);
    expect(() => expandPattern('{stem}', { ...values, filePath: 'a/' })).toThrow(/empty name/);
  });

  it('names conflict copies beside the file, numbered after the first', () => {
    expect(conflictPath('a/b/report.csv', '2026-12-06', 1)).toBe('a/b/report (conflict from Ferry 2026-12-06).csv');
    expect(conflictPath('report', '2026-12-06', 2)).toBe('report (conflict from Ferry 2026-12-06 2)');
  });
});
