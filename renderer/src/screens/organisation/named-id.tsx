import { Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * A name standing for an ID (an owner, an actor, a target): the name in the text, the ID in a tooltip on hover and
 * on keyboard focus, and in the accessible description.
 */
export function NamedId({ name, id }: { readonly name: string; readonly id: string | null }) {
  const { t } = useTranslation();
  if (id === null) return <>{name}</>;
  return (
    <Tooltip
      label={t('organisation.idTooltip', { id })}
      events={{ hover: true, focus: true, touch: true }}
      withinPortal
    >
      <Text
        span
        inherit
        tabIndex={0}
        data-id={id}
        style={{ textDecoration: 'underline dotted', textUnderlineOffset: 3, cursor: 'help' }}
      >
        {name}
      </Text>
    </Tooltip>
  );
}
