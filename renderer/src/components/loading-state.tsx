import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A screen or panel still loading: a spinner named "Loading" for screen readers, the region marked busy. */
export function LoadingState() {
  const { t } = useTranslation();
  return (
    <Center py="xl" aria-busy="true">
      <Loader aria-label={t('app.loading')} />
    </Center>
  );
}
