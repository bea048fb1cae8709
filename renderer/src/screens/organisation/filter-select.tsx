import { Select } from '@mantine/core';

/** A list's filter in its toolbar: a clearable choice named for screen readers; null means "all". */
export function FilterSelect<V extends string>({
  label,
  placeholder,
  data,
  value,
  onChange,
  width,
}: {
  readonly label: string;
  readonly placeholder: string;
  readonly data: readonly { readonly value: V; readonly label: string }[];
  readonly value: V | null;
  readonly onChange: (value: V | null) => void;
  readonly width: number;
}) {
  return (
    <Select
      aria-label={label}
      placeholder={placeholder}
      data={[...data]}
      value={value}
      onChange={(next) => onChange(next as V | null)}
      clearable
      w={width}
    />
  );
}
