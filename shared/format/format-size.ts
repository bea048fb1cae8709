// One unit system for every size and speed the renderer shows: decimal SI (1 kB = 1,000 bytes, 1 MB = 1,000 kB).
// Why decimal: ECMA-402 names only SI units ('kilobyte', 'megabyte', …; there is no 'kibibyte'), so Intl gives
// the localised symbols (kB/MB in English, ko/Mo in French) only for decimal multiples; labelling binary multiples
// "MB" would be wrong, and decimal is what macOS, GNOME and storage vendors show for file sizes.

/** Bytes in a kilobyte (decimal SI). */
export const BYTES_PER_KILOBYTE = 1000;
/** Bytes in a megabyte (decimal SI): the unit of the bandwidth limit field (MB/s). */
export const BYTES_PER_MEGABYTE = 1000 * 1000;

const MULTIPLES = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

/** A count of bytes as a value in the largest unit that keeps it at least 1 (after rounding for display). */
function scale(bytes: number): { value: number; unit: (typeof MULTIPLES)[number] | 'byte'; digits: number } {
  let value = Math.abs(bytes);
  let index = -1;
  while (index < MULTIPLES.length - 1) {
    // Round as it will be shown: 999,960 bytes is "1 MB", not "1,000 kB".
    const digits = index === -1 || value >= 100 ? 0 : 1;
    const shown = Math.round(value * 10 ** digits) / 10 ** digits;
    if (shown < BYTES_PER_KILOBYTE)
      return { value: Math.sign(bytes) * value, unit: MULTIPLES[index] ?? 'byte', digits };
    value /= BYTES_PER_KILOBYTE;
    index++;
  }
  return { value: Math.sign(bytes) * value, unit: MULTIPLES[index]!, digits: value >= 100 ? 0 : 1 };
}

function format(bytes: number, locale: string, perSecond: boolean): string {
  const { value, unit, digits } = scale(bytes);
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: perSecond ? `${unit}-per-second` : unit,
    // Plain bytes are spelled out ("512 bytes", "512 octets"): Intl's short English symbol is "byte".
    unitDisplay: unit === 'byte' ? 'long' : 'short',
    maximumFractionDigits: digits,
  }).format(value);
}

/** A size for people in the UI language: "1.5 MB", "12 kB", "512 bytes"; "1,5 Mo", "12 ko" in French; '' if unknown. */
export function formatSize(bytes: number | undefined, locale: string): string {
  return bytes === undefined || !Number.isFinite(bytes) ? '' : format(bytes, locale, false);
}

/** A transfer speed in the same units: "2.4 MB/s", "850 kB/s"; "2,4 Mo/s" in French. */
export function formatSpeed(bytesPerSecond: number, locale: string): string {
  return Number.isFinite(bytesPerSecond) ? format(bytesPerSecond, locale, true) : '';
}
