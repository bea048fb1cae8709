import type { Language } from '../../shared/platform';
import { assertNever } from '../../shared/assert-never';

/** What a password reset e-mail says. */
export interface PasswordResetEmailInput {
  readonly language: Language;
  readonly name: string;
  readonly link: string;
  /** Minutes the link works for. */
  readonly validMinutes: number;
}

/** The password reset e-mail's subject and text, in the language the person asked in. */
export function renderPasswordResetEmail(input: PasswordResetEmailInput): { subject: string; text: string } {
  switch (input.language) {
    case 'en':
      return {
        subject: 'Choose a new Ferry password',
        text: [
          `Hello ${input.name},`,
          ``,
          `Someone (you, we hope) asked to choose a new password for your Ferry account.`,
          ``,
          `Open this link to choose it (the link works once, for ${input.validMinutes} minutes):`,
          input.link,
          ``,
          `Choosing a new password signs your account out everywhere.`,
          `If you did not ask for this, ignore this e-mail: your password stays as it is.`,
        ].join('\n'),
      };
    case 'fr':
      return {
        subject: 'Choisir un nouveau mot de passe Ferry',
        text: [
          `Bonjour ${input.name},`,
          ``,
          `Quelqu'un (vous, espérons-le) a demandé à choisir un nouveau mot de passe pour votre compte Ferry.`,
          ``,
          `Ouvrez ce lien pour le choisir (le lien ne sert qu'une fois, pendant ${input.validMinutes} minutes) :`,
          input.link,
          ``,
          `Choisir un nouveau mot de passe déconnecte votre compte partout.`,
          `Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.`,
        ].join('\n'),
      };
    default:
      return assertNever(input.language, 'language');
  }
}
