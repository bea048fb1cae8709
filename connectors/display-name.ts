/** Shows a possibly hostile name safely in messages: JSON-escaped, truncated. */
export function displayName(raw: string): string {
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
  return JSON.stringify(shown);
}
