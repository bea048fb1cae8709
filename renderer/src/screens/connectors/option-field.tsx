import {
  Badge,
  Button,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OptionSpec } from '../../../../shared/connectors/connector-descriptor';
import { choiceLabel, optionText } from './connector-text';
import type { FieldProblem, SecretChoice } from './form-values';
import { LoadFileButton } from './load-file-button';

/** Whether an option takes the text of a file (a key, a certificate, a JSON key): it gets "Load from file…". */
const takesFileText = (spec: OptionSpec): boolean => spec.type === 'string' && spec.contents !== undefined;

function useProblemText(problem: FieldProblem | undefined): string | undefined {
  const { t } = useTranslation();
  return problem === undefined ? undefined : t(`connectors.validation.${problem.key}`, problem.params ?? {});
}

interface FieldProps {
  readonly kind: string;
  readonly name: string;
  readonly spec: OptionSpec;
  readonly problem: FieldProblem | undefined;
}

/** One non-secret option: a text, number, switch or choice input generated from its descriptor entry. */
export function OptionField({
  kind,
  name,
  spec,
  problem,
  value,
  onChange,
}: FieldProps & { readonly value: string | boolean; readonly onChange: (value: string | boolean) => void }) {
  const { t } = useTranslation();
  const { label, help } = optionText(t, kind, name);
  const error = useProblemText(problem);
  const examples = spec.examples?.length ? t('connectors.form.examples', { examples: spec.examples.join(', ') }) : '';
  const description = examples === '' ? help : `${help} ${examples}`;
  const common = { label, description, error, required: spec.required, 'data-option': name } as const;
  switch (spec.type) {
    case 'boolean':
      return (
        <Switch
          label={label}
          description={help}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
          data-option={name}
        />
      );
    case 'enum':
      return (
        <Select
          {...common}
          allowDeselect={false}
          data={spec.values.map((v) => ({ value: v.value, label: choiceLabel(t, kind, name, v.value) }))}
          value={typeof value === 'string' && value !== '' ? value : null}
          onChange={(v) => onChange(v ?? '')}
        />
      );
    case 'integer':
      return (
        <NumberInput
          {...common}
          allowDecimal={false}
          placeholder={spec.default === undefined ? undefined : String(spec.default)}
          value={typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(String(v))}
        />
      );
    case 'string':
      return spec.multiline === true ? (
        <Stack gap={4}>
          <Textarea
            {...common}
            autosize
            minRows={2}
            maxRows={8}
            placeholder={spec.examples?.[0]}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
          {takesFileText(spec) && (
            <Group>
              <LoadFileButton label={label} onLoaded={onChange} />
            </Group>
          )}
        </Stack>
      ) : (
        <TextInput
          {...common}
          placeholder={spec.default ?? spec.examples?.[0]}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
}

/**
 * A secret option. A stored secret shows "set" (never its value) with Replace and Clear; a new value is typed in a
 * masked input and goes to main only when saved.
 */
export function SecretField({
  kind,
  name,
  spec,
  problem,
  choice,
  stored,
  onChange,
}: FieldProps & {
  readonly choice: SecretChoice;
  readonly stored: boolean;
  readonly onChange: (choice: SecretChoice) => void;
}) {
  const { t } = useTranslation();
  const { label, help } = optionText(t, kind, name);
  const error = useProblemText(problem);
  if (choice.action === 'set') {
    const input =
      spec.type === 'string' && spec.multiline === true ? (
        <Textarea
          label={label}
          description={help}
          error={error}
          required={spec.required}
          autosize
          minRows={2}
          maxRows={8}
          autoComplete="off"
          spellCheck={false}
          value={choice.value}
          onChange={(e) => onChange({ action: 'set', value: e.currentTarget.value })}
          data-option={name}
        />
      ) : (
        <PasswordInput
          label={label}
          description={help}
          error={error}
          required={spec.required}
          autoComplete="new-password"
          value={choice.value}
          onChange={(e) => onChange({ action: 'set', value: e.currentTarget.value })}
          data-option={name}
        />
      );
    return (
      <Stack gap={4}>
        {input}
        {(stored || takesFileText(spec)) && (
          <Group>
            {takesFileText(spec) && (
              <LoadFileButton label={label} onLoaded={(text) => onChange({ action: 'set', value: text })} />
            )}
            {stored && (
              <Button variant="subtle" size="compact-sm" onClick={() => onChange({ action: 'keep' })}>
                {t('connectors.secret.keep')}
              </Button>
            )}
          </Group>
        )}
      </Stack>
    );
  }
  return (
    <Stack gap={4} data-option={name}>
      <Text fw={500} size="sm">
        {label}
      </Text>
      <Group gap="sm">
        {choice.action === 'keep' ? (
          <Badge color="green" variant="light">
            {t('connectors.secret.set')}
          </Badge>
        ) : (
          <Badge color="orange" variant="light">
            {t('connectors.secret.willClear')}
          </Badge>
        )}
        <Button
          variant="default"
          size="compact-sm"
          aria-label={t('connectors.secret.replaceLabel', { label })}
          onClick={() => onChange({ action: 'set', value: '' })}
        >
          {t('connectors.secret.replace')}
        </Button>
        {choice.action === 'keep' ? (
          <Button
            variant="subtle"
            color="red"
            size="compact-sm"
            aria-label={t('connectors.secret.clearLabel', { label })}
            onClick={() => onChange({ action: 'clear' })}
          >
            {t('connectors.secret.clear')}
          </Button>
        ) : (
          <Button variant="subtle" size="compact-sm" onClick={() => onChange({ action: 'keep' })}>
            {t('connectors.secret.undo')}
          </Button>
        )}
      </Group>
      {error !== undefined && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {help}
      </Text>
    </Stack>
  );
}
