/** The order of a date's day, month and year in a language, and the separator it writes between them. */
export interface DateOrder {
  readonly parts: readonly ('day' | 'month' | 'year')[];
  readonly separator: string;
}

/** How a language writes a short numeric date (en: month/day/year, fr: day/month/year), from Intl. */
export function dateOrder(language: string): DateOrder {
  const parts = new Intl.DateTimeFormat(language, { day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(
    new Date(2001, 10, 22),
  );
  const order = parts
    .map((p) => p.type)
    .filter((type): type is 'day' | 'month' | 'year' => type === 'day' || type === 'month' || type === 'year');
  const separator = parts.find((p) => p.type === 'literal')?.value ?? '/';
  return { parts: order.length === 3 ? order : ['year', 'month', 'day'], separator };
}

/** The pattern to show ("dd/mm/yyyy", "jj/mm/aaaa"), from the language's order and its letters for each part. */
export function datePattern(order: DateOrder, letters: Readonly<Record<'day' | 'month' | 'year', string>>): string {
  return order.parts.map((part) => letters[part]).join(order.separator);
}

/**
 * A date typed in the language's order (any of / . - or a space between the numbers) as YYYY-MM-DD; null when it is
 * not a real date, '' when nothing is typed.
 */
export function parseLocalDate(text: string, order: DateOrder): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const numbers = trimmed.split(/[\s/.-]+/);
  if (numbers.length !== 3 || numbers.some((n) => !/^\d+$/.test(n))) return null;
  const value: Record<string, number> = {};
  order.parts.forEach((part, index) => {
    value[part] = Number(numbers[index]);
  });
  const year = value['year'] ?? NaN;
  const month = value['month'] ?? NaN;
  const day = value['day'] ?? NaN;
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
