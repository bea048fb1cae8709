import { describe, expect, it } from 'vitest';
import { BYTES_PER_MEGABYTE, formatSize, formatSpeed } from '../../../shared/format/format-size';

// Intl separates the number from the unit with a no-break space (U+00A0 in English, U+202F in French).
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const en = (bytes: number | undefined) => plain(formatSize(bytes, 'en'));
const fr = (bytes: number | undefined) => plain(formatSize(bytes, 'fr'));

describe('formatSize', () => {
  it('uses decimal SI multiples with English symbols', () => {
    expect(en(0)).toBe('0 bytes');
    expect(en(1)).toBe('1 byte');
    expect(en(999)).toBe('999 bytes');
    expect(en(1000)).toBe('1 kB');
    expect(en(1024)).toBe('1 kB');
    expect(en(5300)).toBe('5.3 kB');
    expect(en(123_456)).toBe('123 kB');
    expect(en(2_400_000)).toBe('2.4 MB');
    expect(en(24 * 1024 * 1024)).toBe('25.2 MB');
    expect(en(123_456_789)).toBe('123 MB');
    expect(en(1_500_000_000)).toBe('1.5 GB');
    expect(en(2e12)).toBe('2 TB');
    expect(en(3e18)).toBe('3,000 PB');
  });

  it('uses the French symbols, decimal comma and a narrow no-break space', () => {
    expect(fr(0)).toBe('0 octet');
    expect(fr(512)).toBe('512 octets');
    expect(fr(5300)).toBe('5,3 ko');
    expect(fr(2_400_000)).toBe('2,4 Mo');
    expect(fr(1_500_000_000)).toBe('1,5 Go');
    expect(formatSize(2_400_000, 'fr')).toBe('2,4\u202fMo');
    expect(plain(formatSize(1_234_567_890_000_000, 'fr'))).toBe('1,2 Po');
  });

  it('rounds to the unit it shows: just under a megabyte is 1 MB, not 1,000 kB', () => {
    expect(en(999_499)).toBe('999 kB');
    expect(en(999_960)).toBe('1 MB');
    expect(fr(999_960)).toBe('1 Mo');
    expect(en(99_960)).toBe('100 kB');
  });

  it('leaves an unknown size empty', () => {
    expect(formatSize(undefined, 'en')).toBe('');
    expect(formatSize(Number.NaN, 'fr')).toBe('');
  });
});

describe('formatSpeed', () => {
  it('shows per-second rates in the same units', () => {
    expect(plain(formatSpeed(2_400_000, 'en'))).toBe('2.4 MB/s');
    expect(plain(formatSpeed(850_000, 'en'))).toBe('850 kB/s');
    expect(plain(formatSpeed(2_400_000, 'fr'))).toBe('2,4 Mo/s');
    expect(plain(formatSpeed(850_000, 'fr'))).toBe('850 ko/s');
    expect(plain(formatSpeed(12, 'en'))).toBe('12 bytes per second');
    expect(plain(formatSpeed(12, 'fr'))).toBe('12 octets par seconde');
  });

  it('the bandwidth field unit is the megabyte the sizes show', () => {
    expect(BYTES_PER_MEGABYTE).toBe(1_000_000);
    expect(plain(formatSpeed(10 * BYTES_PER_MEGABYTE, 'en'))).toBe('10 MB/s');
  });
});
