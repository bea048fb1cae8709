/** Sizes come from the one formatter (decimal SI, localised units); re-exported for screens that import it here. */
export { formatSize } from '../../../../shared/format/format-size';

/** A modification time in the user's locale. */
export function formatDate(ms: number | undefined, locale: string): string {
  return ms === undefined ? '' : new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The segments of a connector path, for breadcrumbs: [{name, path}] from the root. */
export function crumbsOf(path: string): { name: string; path: string }[] {
  const parts = path === '' ? [] : path.split('/');
  return parts.map((name, i) => ({ name, path: parts.slice(0, i + 1).join('/') }));
}
