/** Formats a byte count: 1.5 MiB, 512 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
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
  return `${state.label}  ${formatBytes(state.bytes)}${total}${percent}  ${formatBytes(state.bytesPerSecond)}/s${eta}`;
}

/** Parses a bandwidth like 10M, 500k, 1.5G (bytes per second, binary units) or a plain byte count. */
export function parseBandwidth(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (match === null) throw new Error(`invalid bandwidth "${text}" (examples: 500k, 10M, 1G)`);
  const factor = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(match[1]) * factor);
}
