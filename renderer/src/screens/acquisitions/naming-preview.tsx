import { Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { invoke } from '../../ipc-client';

/** A sample file the preview expands the pattern for: an entitled file, or an example when there is none yet. */
export interface NamingSample {
  readonly offerTitle: string;
  readonly filePath: string;
  readonly acquisitionId: string;
  readonly availableAt: string;
}

/**
 * The live expansion of a naming pattern under the target folder, computed in main by the platform's own code (so
 * the preview never promises another path), or the reason the pattern is refused.
 */
export function NamingPreview({
  pattern,
  folder,
  sample,
}: {
  readonly pattern: string;
  readonly folder: string;
  readonly sample: NamingSample;
}) {
  const { t } = useTranslation();
  const [debounced] = useDebouncedValue(pattern, 200);
  const preview = useQuery({
    queryKey: ['namingPreview', debounced, sample],
    queryFn: () => invoke('deliveries.previewNaming', { pattern: debounced, ...sample }),
  });
  const data = preview.data;
  const base = folder.replace(/\/+$/, '');
  return (
    <Text size="sm" aria-live="polite" data-testid="naming-preview" style={{ wordBreak: 'break-all' }}>
      {data === undefined
        ? t('app.loading')
        : data.ok
          ? t('acquisitions.deliver.previewPath', {
              name: sample.filePath,
              path: base === '' ? data.path : `${base}/${data.path}`,
            })
          : t('acquisitions.deliver.previewProblem', { problem: data.problem })}
    </Text>
  );
}
