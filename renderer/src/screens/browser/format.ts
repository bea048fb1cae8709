/** A size in bytes for people: 1.5 MB, 12 kB, 0 B (decimal units, the user's number format). */
export function formatSize(bytes: number | undefined, locale: string): string {
  if (bytes === undefined) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits })} ${units[unit]}`;
}

/** A modification time in the user's locale. */
export function formatDate(ms: number | undefined, locale: string): string {
  return ms === undefined ? '' : new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The segments of a connector path, for breadcrumbs: [{name, path}] from the root. */
export function crumbsOf(path: string): { name: string; path: string }[] {
  const parts = path === '' ? [] : path.split('/');
  return parts.map((name, i) => ({ name, path: parts.slice(0, i + 1).join('/') }));
}
