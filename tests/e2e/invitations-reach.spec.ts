// Invitations that reach people: a local workspace says where its links work and takes a public address; without a
// mail server the e-mail waits in the outbox in the invitee's language; the link opens a human page in a browser;
// a ferry://join link opens the join screen filled in; rows copy their link and resend; Invite from Members.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { setLanguage, setUpWorkspace, shoot } from './organisation-helpers';
import { expect, test } from './harness-fixture';

const PASSWORD = 'another good password';

async function shootBoth(page: Page, harness: Harness, name: string): Promise<void> {
  await shoot(page, name, 'en');
  await setLanguage(page, harness, 'fr');
  await shoot(page, name, 'fr');
  await setLanguage(page, harness, 'en');
}

async function invite(page: Page, email: string, language: 'en' | 'fr') {
  const result = (await page.evaluate(
    ([e, l]) => window.ferry.invoke('invitations.create', { email: e, role: 'viewer', language: l }),
    [email, language] as const,
  )) as { ok: boolean; value: { id: string; link: string } };
  expect(result.ok).toBe(true);
  return result.value;
}

test.describe('Invitations that reach people', () => {
  test('local notice, outbox, row actions, the link page in both languages, the deep link, the public address', async ({
    page,
    harness,
    context,
    browser,
  }) => {
    test.setTimeout(240_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.url).origin });
    await setUpWorkspace(page, harness);

    // Invite from the Members tab; no mail server: the e-mail waits in the outbox.
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByRole('button', { name: 'Invite someone' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /^E-mail/ }).fill('zoe@example.org');
    await dialog.getByLabel('E-mail language', { exact: true }).click();
    await page.getByRole('option', { name: 'French' }).click();
    await dialog.getByRole('button', { name: 'Send the invitation' }).click();
    await expect(dialog.getByText('No mail server is configured')).toBeVisible();
    const link = (await dialog.getByTestId('copy-value').textContent()) ?? '';
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/invitations\/accept\?token=ferry_inv_/);
    await dialog.getByRole('button', { name: 'Done' }).click();

    // The Invitations tab: where links work, the outbox in French (the invitee's language), ID and role columns.
    await page.getByRole('tab', { name: 'Invitations' }).click();
    const notice = page.getByTestId('local-notice');
    await expect(notice).toContainText('they work only on this computer');
    await expect(notice).toContainText(new URL(link).origin);
    const outbox = page.getByTestId('outbox-message');
    await expect(outbox).toHaveCount(1);
    await expect(outbox).toContainText('zoe@example.org');
    await expect(outbox).toContainText('Invitation à rejoindre Acme sur Ferry');
    await expect(outbox).toContainText('vous invite à rejoindre Acme sur Ferry en tant que lecteur');
    await expect(outbox).toContainText(link);
    const table = page.getByRole('table', { name: 'Invitations' });
    const listed = (await page.evaluate(() => window.ferry.invoke('invitations.list', { query: {} }))) as {
      value: { items: { id: string }[] };
    };
    const id = listed.value.items[0]?.id ?? '';
    expect(id).toMatch(/^inv_/);
    await expect(table).toContainText('Viewer');
    await table.getByRole('button', { name: 'Manage: zoe@example.org' }).click();
    await expect(page.getByRole('dialog')).toContainText(id);
    await page.getByRole('dialog').getByRole('button', { name: 'Close this window' }).click();
    await shootBoth(page, harness, 'invitations-local-outbox');
    const axe = await new AxeBuilder({ page }).include('main').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
      [],
    );

    // Copy the link of a row, resend its e-mail.
    await table.getByRole('button', { name: 'Copy the link: zoe@example.org' }).click();
    await expect(page.getByText('The invitation link of zoe@example.org is copied.')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await table.getByRole('button', { name: 'Resend: zoe@example.org' }).click();
    await expect(page.getByText('the e-mail to zoe@example.org is in the outbox below')).toBeVisible();

    // The link in a browser: a French page (the invitation's language) with Open in Ferry and the form.
    const browserContext = await browser.newContext({ locale: 'en-GB' });
    const visitor = await browserContext.newPage();
    const csp: string[] = [];
    visitor.on('response', (response) => {
      const header = response.headers()['content-security-policy'];
      if (header) csp.push(header);
    });
    await visitor.goto(link);
    await expect(visitor.getByRole('heading', { name: 'Rejoindre une organisation sur Ferry' })).toBeVisible();
    await expect(visitor.getByText('Ada Admin (ada@example.org) vous invite à rejoindre Acme')).toBeVisible();
    const open = visitor.getByRole('link', { name: 'Ouvrir dans Ferry' });
    const deepLink = (await open.getAttribute('href')) ?? '';
    expect(deepLink).toMatch(/^ferry:\/\/join\?platform=http%3A%2F%2F127\.0\.0\.1%3A\d+&token=ferry_inv_/);
    expect(csp[0]).toContain("default-src 'none'");
    await visitor.screenshot({ path: 'test-results/screenshots/invitation-page-fr.png', fullPage: true });
    await visitor.getByLabel('Votre nom').fill('Zoé Zèbre');
    await visitor.getByLabel(/^Choisissez un mot de passe/).fill(PASSWORD);
    await visitor.getByLabel('Le même mot de passe, à nouveau').fill(PASSWORD);
    await visitor.getByRole('button', { name: 'Créer mon compte et rejoindre' }).click();
    await expect(visitor.getByText('Vous avez rejoint Acme en tant que lecteur.')).toBeVisible();
    await visitor.screenshot({ path: 'test-results/screenshots/invitation-page-done-fr.png', fullPage: true });

    // An English invitation opens an English page.
    const english = await invite(page, 'sam@example.org', 'en');
    await visitor.goto(english.link);
    await expect(visitor.getByRole('heading', { name: 'Join an organisation on Ferry' })).toBeVisible();
    await expect(visitor.getByRole('link', { name: 'Open in Ferry' })).toBeVisible();
    await visitor.screenshot({ path: 'test-results/screenshots/invitation-page-en.png', fullPage: true });
    await browserContext.close();

    // The deep link of Sam's invitation opens Ferry's join screen, filled in and checked.
    const token = new URL(english.link).searchParams.get('token') ?? '';
    harness.emit('app.join', { link: english.link });
    await expect(page.getByRole('heading', { name: 'Add an account', level: 2 })).toBeVisible();
    await expect(page.getByText('Acme invites sam@example.org as Viewer.')).toBeVisible();
    await shootBoth(page, harness, 'invitations-deep-link-join');
    expect(token).toMatch(/^ferry_inv_/);
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(page.getByLabel('Invitation link')).toHaveValue(english.link);
    await page.getByRole('button', { name: 'Cancel' }).click();

    // A public address: links use it, and the notice says where it must lead.
    await page.getByRole('tab', { name: 'Invitations' }).click();
    await page.getByRole('button', { name: 'Public address and e-mail…' }).click();
    const settings = page.getByRole('dialog');
    await expect(settings.getByRole('heading', { name: 'Mail server (SMTP)' })).toBeVisible();
    await shootBoth(page, harness, 'invitations-local-settings');
    await settings.getByLabel('Public address (URL)').fill('https://ferry.example.org');
    await settings.getByRole('button', { name: 'Save the address' }).click();
    // Saving restarts the local workspace (same port, same data): give it time on a loaded machine.
    await expect(page.getByText('Invitation links now use https://ferry.example.org.')).toBeVisible({
      timeout: 60_000,
    });
    await expect(notice).toContainText('Invitation links use the public address https://ferry.example.org');
    await settings.getByRole('button', { name: 'Close this window' }).click();
    await expect(settings).toHaveCount(0);
    const publicLink = await invite(page, 'lou@example.org', 'en');
    expect(publicLink.link).toMatch(/^https:\/\/ferry\.example\.org\/v1\/invitations\/accept\?token=ferry_inv_/);
  });
});
