import { useForm } from '@mantine/form';
import { useMemo, useState } from 'react';
import type { ConnectorDescriptor } from '../../../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../../../shared/connectors/connector-descriptors';
import { type FormValues, type SavedValues, initialValues, validate } from './form-values';

const descriptorOf = (kind: string): ConnectorDescriptor | undefined =>
  isConnectorKind(kind) ? CONNECTOR_DESCRIPTORS[kind] : undefined;

/**
 * The state both connector forms (mine and the organisation's) share: the kind chosen (SFTP first), its descriptor,
 * the values in @mantine/form, and the problems found by the shared rules (shown once the user submitted).
 */
export function useConnectorForm(
  savedKind: string | undefined,
  saved: SavedValues | undefined,
  kinds: readonly string[],
) {
  const [kind, setKind] = useState(savedKind ?? kinds.find((k) => k === 'sftp') ?? kinds[0] ?? '');
  const descriptor = descriptorOf(kind);
  const form = useForm<FormValues>({
    initialValues: descriptor === undefined ? { name: '', options: {}, secrets: {} } : initialValues(descriptor, saved),
  });
  const values = form.values;
  const [submitted, setSubmitted] = useState(false);
  const problems = useMemo(() => (descriptor === undefined ? {} : validate(descriptor, values)), [descriptor, values]);
  /** Another kind: its fields start empty, the name stays. */
  const chooseKind = (next: string | null) => {
    const d = next === null ? undefined : descriptorOf(next);
    if (next === null || d === undefined) return;
    setKind(next);
    form.setValues({ ...initialValues(d), name: values.name });
    setSubmitted(false);
  };
  /** Marks the form submitted; the descriptor when the values can be saved, else undefined (problems shown). */
  const submit = (): ConnectorDescriptor | undefined => {
    setSubmitted(true);
    return descriptor === undefined || Object.keys(problems).length > 0 ? undefined : descriptor;
  };
  return {
    kind,
    descriptor,
    form,
    values,
    setValues: (next: FormValues) => form.setValues(next),
    submitted,
    problems,
    shown: submitted ? problems : {},
    chooseKind,
    submit,
  };
}

/** The shared state of a connector form. */
export type ConnectorFormState = ReturnType<typeof useConnectorForm>;
