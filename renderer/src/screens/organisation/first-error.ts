/** The first validation message of a @mantine/form form, shown in the dialog's alert like a server error. */
export function firstError(errors: Readonly<Record<string, unknown>>): string | null {
  const first = Object.values(errors).find((e) => typeof e === 'string');
  return typeof first === 'string' ? first : null;
}
