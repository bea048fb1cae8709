import { formatSize, formatSpeed } from '../../shared/format/format-size';

// The command line speaks the app's one unit system (decimal SI, as the screens), in English, with plain spaces.
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

/** Formats a byte count in decimal units: 1.5 MB, 512 bytes. */
export function formatBytes(bytes: number): string {
  return plain(formatSize(bytes, 'en'));
}

/** Formats a rate in decimal units: 2.4 MB/s. */
export function formatRate(bytesPerSecond: number): string {
  return plain(formatSpeed(bytesPerSecond, 'en'));
}

/** Formats seconds as 1h02m, 3m05s or 42s. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The one-line progress shown on a terminal: done / total, percentage, rate and ETA. */
export function progressLine(state: {
  readonly label: string;
  readonly bytes: number;
  readonly total?: number;
  readonly bytesPerSecond: number;
  readonly etaSeconds?: number;
}): string {
  const total = state.total === undefined ? '' : ` / ${formatBytes(state.total)}`;
  const percent = state.total ? ` ${Math.floor((state.bytes / state.total) * 100)}%` : '';
  const eta = state.etaSeconds === undefined ? '' : ` ETA ${formatDuration(state.etaSeconds)}`;
  return `${state.label}  ${formatBytes(state.bytes)}${total}${percent}  ${formatRate(state.bytesPerSecond)}${eta}`;
}

const DECIMAL = { '': 1, k: 1e3, m: 1e6, g: 1e9 } as const;
const BINARY = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const;

/**
 * Parses a bandwidth in bytes per second: 500k, 10M, 1.5G are decimal (10M = 10 MB/s, as the screens show),
 * 10Mi or 10MiB binary (10 MiB/s, rclone's meaning of 10M); a plain number is bytes.
 */
export function parseBandwidth(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([kmg])(i?)b?|b?)(?:\/s)?$/i.exec(text.trim());
  if (match === null) throw new Error(`invalid bandwidth "${text}" (examples: 500k, 10M, 10Mi, 1G)`);
  const prefix = (match[2] ?? '').toLowerCase() as keyof typeof DECIMAL;
  const factor = (match[3] ? BINARY : DECIMAL)[prefix];
  const value = Math.round(Number(match[1]) * factor);
  if (value <= 0) throw new Error(`invalid bandwidth "${text}": give a rate above zero`);
  return value;
}
