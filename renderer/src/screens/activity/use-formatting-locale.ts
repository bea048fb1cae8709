import { useTranslation } from 'react-i18next';
import { useSettingsStore } from '../../stores/settings-store';
import { formattingLocale } from './activity-format';

/** The locale for dates and numbers on this screen: the OS's regional format when it speaks the UI language. */
export function useFormattingLocale(): string {
  const { i18n } = useTranslation();
  const osLocale = useSettingsStore((s) => (s.state.status === 'ready' ? s.state.info.locale : undefined));
  return formattingLocale(i18n.language, osLocale);
}
