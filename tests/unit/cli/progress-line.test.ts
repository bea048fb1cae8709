import { describe, expect, it } from 'vitest';
import { formatBytes, formatRate, parseBandwidth, progressLine } from '../../../main/cli/progress-line';

describe("the command line speaks the screens' decimal units", () => {
  it('formats sizes and rates in decimal units with plain spaces', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.1 MB');
    expect(formatBytes(1_500_000_000)).toBe('1.5 GB');
    expect(formatRate(2_400_000)).toBe('2.4 MB/s');
    expect(
      progressLine({ label: 'a.bin', bytes: 1_000_000, total: 4_000_000, bytesPerSecond: 500_000, etaSeconds: 6 }),
    ).toBe('a.bin  1 MB / 4 MB 25%  500 kB/s ETA 6s');
  });

  it('reads bandwidths as decimal unless the binary i says otherwise', () => {
    expect(parseBandwidth('500k')).toBe(500_000);
    expect(parseBandwidth('10M')).toBe(10_000_000);
    expect(parseBandwidth('10MB')).toBe(10_000_000);
    expect(parseBandwidth('10MB/s')).toBe(10_000_000);
    expect(parseBandwidth('1.5G')).toBe(1_500_000_000);
    expect(parseBandwidth('10Mi')).toBe(10 * 1024 * 1024);
    expect(parseBandwidth('10MiB')).toBe(10 * 1024 * 1024);
    expect(parseBandwidth('2048')).toBe(2048);
    for (const bad of ['', 'fast', '10X', '-1M', '0', '0k', '10 M B']) {
      expect(() => parseBandwidth(bad), bad).toThrow(/invalid bandwidth/);
    }
  });
});
