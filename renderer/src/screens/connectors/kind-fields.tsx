import { Button, Collapse, Group, Stack } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorDescriptor } from '../../../../shared/connectors/connector-descriptor';
import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import type { FieldProblem, FormValues } from './form-values';
import { OptionField, SecretField } from './option-field';

/** The fields of one kind, generated from its descriptor: required and common ones, then "Advanced". */
export function KindFields({
  kind,
  descriptor,
  values,
  saved,
  problems,
  extras,
  onChange,
}: {
  readonly kind: string;
  readonly descriptor: ConnectorDescriptor;
  readonly values: FormValues;
  /** The saved connector (mine or the organisation's), whose stored secrets show as set; undefined when new. */
  readonly saved: Pick<ConnectorSummary, 'secrets'> | undefined;
  readonly problems: Record<string, FieldProblem>;
  /** Shown after the field of an option (by its name): the Drive sign-in button after the OAuth client. */
  readonly extras?: Readonly<Record<string, ReactNode>>;
  readonly onChange: (values: FormValues) => void;
}) {
  const { t } = useTranslation();
  const entries = Object.entries(descriptor.options);
  const advancedHasProblem = entries.some(([name, spec]) => spec.advanced === true && problems[name] !== undefined);
  const [advanced, setAdvanced] = useState(false);
  const field = ([name, spec]: (typeof entries)[number]) =>
    spec.secret === true ? (
      <SecretField
        key={name}
        kind={kind}
        name={name}
        spec={spec}
        problem={problems[name]}
        choice={values.secrets[name] ?? { action: 'set', value: '' }}
        stored={saved?.secrets[name]?.hasSecret === true}
        onChange={(choice) => onChange({ ...values, secrets: { ...values.secrets, [name]: choice } })}
      />
    ) : (
      <OptionField
        key={name}
        kind={kind}
        name={name}
        spec={spec}
        problem={problems[name]}
        value={values.options[name] ?? ''}
        onChange={(value) => onChange({ ...values, options: { ...values.options, [name]: value } })}
      />
    );
  const withExtra = (entry: (typeof entries)[number]) =>
    extras?.[entry[0]] === undefined ? (
      field(entry)
    ) : (
      <Fragment key={entry[0]}>
        {field(entry)}
        {extras[entry[0]]}
      </Fragment>
    );
  const basic = entries.filter(([, spec]) => spec.advanced !== true);
  const more = entries.filter(([, spec]) => spec.advanced === true);
  return (
    <Stack gap="md">
      {basic.map(withExtra)}
      {more.length > 0 && (
        <>
          <Group>
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={
                advanced || advancedHasProblem ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />
              }
              aria-expanded={advanced || advancedHasProblem}
              onClick={() => setAdvanced((a) => !a)}
            >
              {t('connectors.form.advanced')}
            </Button>
          </Group>
          <Collapse expanded={advanced || advancedHasProblem}>
            <Stack gap="md">{more.map(withExtra)}</Stack>
          </Collapse>
        </>
      )}
    </Stack>
  );
}
