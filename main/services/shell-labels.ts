import type { Language } from '../../shared/settings';

/** Labels of the native menu and the tray, which main draws itself (the renderer's i18n cannot reach them). */
export interface ShellLabels {
  readonly file: string;
  readonly settings: string;
  readonly quit: string;
  readonly edit: string;
  readonly view: string;
  readonly window: string;
  readonly help: string;
  readonly open: string;
  readonly trayTooltip: string;
  readonly documentation: string;
}

const LABELS: Readonly<Record<Language, ShellLabels>> = {
  en: {
    file: 'File',
    settings: 'Settings…',
    quit: 'Quit Ferry',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    help: 'Help',
    open: 'Open Ferry',
    trayTooltip: 'Ferry',
    documentation: 'Documentation',
  },
  fr: {
    file: 'Fichier',
    settings: 'Paramètres…',
    quit: 'Quitter Ferry',
    edit: 'Édition',
    view: 'Affichage',
    window: 'Fenêtre',
    help: 'Aide',
    open: 'Ouvrir Ferry',
    trayTooltip: 'Ferry',
    documentation: 'Documentation',
  },
};

/** The shell's labels in a language. */
export const shellLabels = (language: Language): ShellLabels => LABELS[language];
