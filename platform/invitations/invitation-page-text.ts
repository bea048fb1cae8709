import type { Language, Role } from '../../shared/platform';

/** The words of the invitation page, in each language an invitation can have. */
export const INVITATION_PAGE_TEXT = {
  en: {
    title: 'Join an organisation on Ferry',
    intro: (sender: string, organisation: string, role: string) =>
      `${sender} invites you to join ${organisation} on Ferry as ${role}.`,
    anAdmin: 'An administrator',
    invitedAddress: 'Invitation for',
    expires: 'The link works once, until',
    openInFerry: 'Open in Ferry',
    openHelp: 'With Ferry installed on this computer, accept the invitation in the app:',
    orHere: 'Or accept it here, by creating your account:',
    name: 'Your name',
    password: 'Choose a password (at least 10 characters)',
    confirm: 'The same password again',
    create: 'Create my account and join',
    haveAccount: 'Already have a Ferry account for this address?',
    signInPassword: 'The password of your Ferry account',
    signIn: 'Sign in and join',
    exists: (email: string) => `An account already exists for ${email}: type its password to join.`,
    required: 'Type your name.',
    differ: 'The two passwords differ: type the same password in both fields.',
    short: 'The password must have at least 10 characters.',
    long: 'The password must have at most 200 characters.',
    wrongPassword: 'The password is wrong.',
    throttled: 'Too many attempts: wait a minute, then try again.',
    alreadyMember: 'You are already a member of this organisation.',
    invalid: 'This invitation link is not valid: it was used, deleted or has expired. Ask for a new one.',
    done: (organisation: string, role: string) => `You joined ${organisation} as ${role}.`,
    doneNext: (email: string, url: string) =>
      `Open Ferry, choose “Sign in”, then the shared platform ${url} with ${email} and your password.`,
    roles: { admin: 'administrator', editor: 'editor', viewer: 'viewer' },
  },
  fr: {
    title: 'Rejoindre une organisation sur Ferry',
    intro: (sender: string, organisation: string, role: string) =>
      `${sender} vous invite à rejoindre ${organisation} sur Ferry en tant que ${role}.`,
    anAdmin: 'Un administrateur',
    invitedAddress: 'Invitation pour',
    expires: "Le lien ne sert qu'une fois, jusqu'au",
    openInFerry: 'Ouvrir dans Ferry',
    openHelp: "Si Ferry est installé sur cet ordinateur, acceptez l'invitation dans l'application :",
    orHere: 'Ou acceptez-la ici, en créant votre compte :',
    name: 'Votre nom',
    password: 'Choisissez un mot de passe (au moins 10 caractères)',
    confirm: 'Le même mot de passe, à nouveau',
    create: 'Créer mon compte et rejoindre',
    haveAccount: 'Vous avez déjà un compte Ferry pour cette adresse ?',
    signInPassword: 'Le mot de passe de votre compte Ferry',
    signIn: 'Me connecter et rejoindre',
    exists: (email: string) => `Un compte existe déjà pour ${email} : tapez son mot de passe pour rejoindre.`,
    required: 'Tapez votre nom.',
    differ: 'Les deux mots de passe diffèrent : tapez le même dans les deux champs.',
    short: 'Le mot de passe doit compter au moins 10 caractères.',
    long: 'Le mot de passe doit compter au plus 200 caractères.',
    wrongPassword: 'Le mot de passe est faux.',
    throttled: 'Trop de tentatives : attendez une minute, puis réessayez.',
    alreadyMember: 'Vous êtes déjà membre de cette organisation.',
    invalid: "Ce lien d'invitation n'est pas valable : il a servi, a été supprimé ou a expiré. Demandez-en un nouveau.",
    done: (organisation: string, role: string) => `Vous avez rejoint ${organisation} en tant que ${role}.`,
    doneNext: (email: string, url: string) =>
      `Ouvrez Ferry, choisissez « Se connecter », puis la plateforme partagée ${url} avec ${email} et votre mot de passe.`,
    roles: { admin: 'administrateur', editor: 'éditeur', viewer: 'lecteur' },
  },
} as const satisfies {
  readonly [L in Language]: { readonly roles: { readonly [R in Role]: string }; readonly [key: string]: unknown };
};

/** The words of the invitation page in one language. */
export type InvitationPageText = (typeof INVITATION_PAGE_TEXT)[Language];
