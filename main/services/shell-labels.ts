import type { ActivityKind } from '../../shared/ipc/sync-ipc';
import type { Language } from '../../shared/settings';

/** Labels of the tray: the sync agent's status, its menu and the notice shown where no tray exists. */
export interface TrayLabels {
  /** BCP 47 tag for times in the tray (e.g. the end of a pause). */
  readonly locale: string;
  /** The tooltip around a status line. */
  readonly tooltip: (status: string) => string;
  readonly upToDate: string;
  /** Status while `running` bindings run (0 when the agent did not say how many). */
  readonly syncing: (running: number) => string;
  /** Status while paused until a time, already formatted. */
  readonly pausedUntil: (time: string) => string;
  /** Status while paused until resumed. */
  readonly paused: string;
  /** Status in error, with the last failure's summary when the agent gave one. */
  readonly problem: (problem: string | null) => string;
  readonly syncNow: string;
  readonly pause: string;
  /** An item of the pause submenu. */
  readonly pauseFor: (hours: number) => string;
  readonly resume: string;
  readonly recentActivity: string;
  readonly noActivity: string;
  /** One activity entry: what happened to `name` (a file, or the binding when no file is involved). */
  readonly activity: Readonly<Record<ActivityKind, (name: string) => string>>;
  readonly startAtLogin: string;
  readonly noTrayHostTitle: string;
  readonly noTrayHost: string;
}

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
  readonly documentation: string;
  readonly tray: TrayLabels;
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
    documentation: 'Documentation',
    tray: {
      locale: 'en',
      tooltip: (status) => `Ferry — ${status}`,
      upToDate: 'Up to date',
      syncing: (running) =>
        running === 0 ? 'Syncing…' : `Syncing ${running} ${running === 1 ? 'binding' : 'bindings'}…`,
      pausedUntil: (time) => `Paused until ${time}`,
      paused: 'Paused',
      problem: (problem) => (problem ? `Sync problem: ${problem}` : 'Sync problem'),
      syncNow: 'Sync now',
      pause: 'Pause',
      pauseFor: (hours) => `For ${hours} ${hours === 1 ? 'hour' : 'hours'}`,
      resume: 'Resume syncing',
      recentActivity: 'Recent activity',
      noActivity: 'No activity yet',
      activity: {
        published: (name) => `Published ${name}`,
        delivered: (name) => `Delivered ${name}`,
        conflict: (name) => `Conflict copy: ${name}`,
        skipped: (name) => `Skipped ${name}`,
        failed: (name) => `Failed: ${name}`,
        warning: (name) => `Stopped with a warning: ${name}`,
        'credential-expiry': (name) => `Credentials expiring: ${name}`,
      },
      startAtLogin: 'Start at login',
      noTrayHostTitle: 'No system tray found',
      noTrayHost:
        'This desktop shows no tray icons, so closing the Ferry window quits Ferry and stops background sync. ' +
        'Keep the window open or minimised to keep syncing. On GNOME, the AppIndicator extension adds a tray.',
    },
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
    documentation: 'Documentation',
    tray: {
      locale: 'fr',
      tooltip: (status) => `Ferry — ${status}`,
      upToDate: 'À jour',
      syncing: (running) =>
        running === 0
          ? 'Synchronisation…'
          : `${running} ${running === 1 ? 'synchronisation' : 'synchronisations'} en cours…`,
      pausedUntil: (time) => `En pause jusqu'à ${time}`,
      paused: 'En pause',
      problem: (problem) => (problem ? `Problème de synchronisation : ${problem}` : 'Problème de synchronisation'),
      syncNow: 'Synchroniser maintenant',
      pause: 'Suspendre',
      pauseFor: (hours) => `Pendant ${hours} ${hours === 1 ? 'heure' : 'heures'}`,
      resume: 'Reprendre la synchronisation',
      recentActivity: 'Activité récente',
      noActivity: "Aucune activité pour l'instant",
      activity: {
        published: (name) => `Publié : ${name}`,
        delivered: (name) => `Livré : ${name}`,
        conflict: (name) => `Copie de conflit : ${name}`,
        skipped: (name) => `Ignoré : ${name}`,
        failed: (name) => `Échec : ${name}`,
        warning: (name) => `Arrêt sur avertissement : ${name}`,
        'credential-expiry': (name) => `Identifiants bientôt expirés : ${name}`,
      },
      startAtLogin: "Lancer à l'ouverture de session",
      noTrayHostTitle: 'Aucune zone de notification',
      noTrayHost:
        "Ce bureau n'affiche pas d'icônes de zone de notification : fermer la fenêtre de Ferry quitte Ferry et " +
        'arrête la synchronisation en arrière-plan. Gardez la fenêtre ouverte ou réduite pour continuer à ' +
        "synchroniser. Sous GNOME, l'extension AppIndicator ajoute une zone de notification.",
    },
  },
};

/** The shell's labels in a language. */
export const shellLabels = (language: Language): ShellLabels => LABELS[language];
