import { MantineProvider } from '@mantine/core';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { driveDescriptor } from '../../../shared/connectors/drive-descriptor';
import { i18n } from '../../../renderer/src/i18n/i18n';
import { DriveSignInButton } from '../../../renderer/src/screens/connectors/drive-sign-in-button';
import { type FormValues, initialValues } from '../../../renderer/src/screens/connectors/form-values';

const CLIENT = '1234567890-abc.apps.googleusercontent.com';

function render(node: ReactNode): string {
  return renderToStaticMarkup(h(MantineProvider, null, h(I18nextProvider, { i18n }, node)));
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ');

/** The values of a Drive form signing in with a Google account; a stored client secret is kept. */
function values(clientId: string, secretStored = false): FormValues {
  const base = initialValues(driveDescriptor, {
    name: 'Drive',
    options: { auth: 'oauth', ...(clientId === '' ? {} : { clientId }) },
    secrets: { clientSecret: { hasSecret: secretStored } },
  });
  return base;
}

const button = (props: Partial<Parameters<typeof DriveSignInButton>[0]> & { readonly values: FormValues }) =>
  render(
    h(DriveSignInButton, {
      connectorId: undefined,
      storedToken: false,
      signedIn: undefined,
      onSignedIn: () => undefined,
      ...props,
    }),
  );

/** The "Sign in with Google" button's markup (fails when there is none). */
function signInButton(html: string): string {
  const found = /<button[^>]*>(?:(?!<\/button>).)*Sign in with Google(?:(?!<\/button>).)*<\/button>/s.exec(html)?.[0];
  if (found === undefined) throw new Error('no "Sign in with Google" button');
  return /<button[^>]*>/.exec(found)![0];
}

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('"Sign in with Google" in a connector form', () => {
  it('is disabled until a client ID is given, and says so', () => {
    const empty = button({ values: values('') });
    expect(signInButton(empty)).toContain('disabled');
    expect(text(empty)).toContain('Enter the OAuth client ID first.');
    const ready = button({ values: values(CLIENT) });
    expect(signInButton(ready)).not.toContain('disabled');
  });

  it('needs the client secret typed again for an organisation connector (the vault keeps the stored one)', () => {
    const html = button({ values: values(CLIENT, true), destination: 'vault' });
    expect(signInButton(html)).toContain('disabled');
    expect(text(html)).toContain('Type the OAuth client secret again');
    // Mine: main reads the stored secret from the keychain.
    expect(signInButton(button({ values: values(CLIENT, true) }))).not.toContain('disabled');
  });

  it('shows the account signed in, in English and French, only for the client ID it was made with', async () => {
    const signedIn = { signIn: 'ticket', email: 'ana@example.com', clientId: CLIENT };
    expect(text(button({ values: values(CLIENT), signedIn }))).toContain('Signed in as ana@example.com');
    expect(text(button({ values: values('other.apps.googleusercontent.com'), signedIn }))).not.toContain('Signed in');
    await i18n.changeLanguage('fr');
    const fr = text(button({ values: values(CLIENT), signedIn, destination: 'vault' }));
    expect(fr).toContain('Connecté en tant que ana@example.com');
    expect(fr).toContain('coffre de la plateforme');
  });
});
