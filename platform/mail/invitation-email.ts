import type { Language, Role } from '../../shared/platform';
import { assertNever } from '../../shared/assert-never';

/** What an invitation e-mail says. */
export interface InvitationEmailInput {
  readonly language: Language;
  readonly organisationName: string;
  readonly senderName: string | null;
  readonly role: Role;
  readonly link: string;
  readonly expiresAt: Date;
}

const ROLE_NAMES: { readonly [L in Language]: { readonly [R in Role]: string } } = {
  en: { admin: 'administrator', editor: 'editor', viewer: 'viewer' },
  fr: { admin: 'administrateur', editor: 'éditeur', viewer: 'lecteur' },
};

/** The invitation e-mail's subject and text, in the invitation's language. */
export function renderInvitationEmail(input: InvitationEmailInput): { subject: string; text: string } {
  const role = ROLE_NAMES[input.language][input.role];
  const date = input.expiresAt.toISOString().slice(0, 10);
  switch (input.language) {
    case 'en':
      return {
        subject: `Invitation to join ${input.organisationName} on Ferry`,
        text: [
          `Hello,`,
          ``,
          `${input.senderName ?? 'An administrator'} invites you to join ${input.organisationName} on Ferry as ${role}.`,
          ``,
          `Accept the invitation here (the link works once, until ${date}):`,
          input.link,
          ``,
          `If you did not expect this invitation, ignore this e-mail.`,
        ].join('\n'),
      };
    case 'fr':
      return {
        subject: `Invitation à rejoindre ${input.organisationName} sur Ferry`,
        text: [
          `Bonjour,`,
          ``,
          `${input.senderName ?? 'Un administrateur'} vous invite à rejoindre ${input.organisationName} sur Ferry en tant que ${role}.`,
          ``,
          `Acceptez l'invitation ici (le lien ne sert qu'une fois, jusqu'au ${date}) :`,
          input.link,
          ``,
          `Si vous n'attendiez pas cette invitation, ignorez ce message.`,
        ].join('\n'),
      };
    default:
      return assertNever(input.language, 'language');
  }
}
