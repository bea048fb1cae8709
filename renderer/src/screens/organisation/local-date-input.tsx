import { TextInput } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { dateOrder, datePattern, parseLocalDate } from './local-date';

/**
 * A date typed in the UI language's order (12/07/2026 in English is 7 December, in French 12 July), with the pattern
 * as placeholder and an error when it is not a date. The parent keeps the text; `parseLocalDate` reads it.
 */
export function LocalDateInput({
  label,
  value,
  onChange,
  width,
}: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly width: number;
}) {
  const { t, i18n } = useTranslation();
  const order = useMemo(() => dateOrder(i18n.language), [i18n.language]);
  const pattern = datePattern(order, {
    day: t('organisation.audit.datePattern.day'),
    month: t('organisation.audit.datePattern.month'),
    year: t('organisation.audit.datePattern.year'),
  });
  const invalid = parseLocalDate(value, order) === null;
  return (
    <TextInput
      aria-label={`${label} (${pattern})`}
      placeholder={`${label} (${pattern})`}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={invalid ? t('organisation.audit.dateInvalid', { pattern }) : undefined}
      inputMode="numeric"
      lang={i18n.language}
      w={width}
    />
  );
}
