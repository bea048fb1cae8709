import { ActionIcon, Box, Group, Stack, Tooltip } from '@mantine/core';
import { IconLayoutSidebarRightCollapse, IconLayoutSidebarRightExpand } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFoldPreference } from '../../frame/use-fold-preference';

const PANEL_ID = 'browser-details';

/**
 * The details panel's place beside the file list: 340 px wide, or folded to one button so the list keeps the width
 * (folded below 1100 px unless the user chose otherwise; the choice is remembered).
 */
export function DetailsFold({ children }: { readonly children: ReactNode }) {
  const { t } = useTranslation();
  const [folded, toggle] = useFoldPreference('details-folded');
  const label = folded ? t('layout.showDetails') : t('layout.hideDetails');
  const button = (
    <Tooltip label={label} position="left">
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={label}
        aria-expanded={!folded}
        // Only a shown panel can be referred to.
        aria-controls={folded ? undefined : PANEL_ID}
        onClick={toggle}
      >
        {folded ? <IconLayoutSidebarRightExpand size={18} /> : <IconLayoutSidebarRightCollapse size={18} />}
      </ActionIcon>
    </Tooltip>
  );
  if (folded) return <Box style={{ flexShrink: 0 }}>{button}</Box>;
  return (
    <Stack w={340} gap={4} style={{ flexShrink: 0, overflow: 'auto' }}>
      <Group justify="flex-end">{button}</Group>
      <Box id={PANEL_ID}>{children}</Box>
    </Stack>
  );
}
