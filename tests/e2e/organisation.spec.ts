import { readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { type SmtpSink, startSmtpSink } from '../servers/smtp-sink';
import { mailBodyText } from '../servers/mail-body-text';
import {
  ADMIN,
  openOrganisation,
  sessionTokens,
  setLanguage,
  settingsFile,
  setUpWorkspace,
  shoot,
} from './organisation-helpers';
import { expect, test } from './harness-fixture';

const PASSWORD = 'another good password';

/** Screenshots the current screen or dialog in English, then in French (switched live), and back to English. */
async function shootBoth(page: Page, harness: Harness, name: string): Promise<void> {
  await shoot(page, name, 'en');
  await setLanguage(page, harness, 'fr');
  await shoot(page, name, 'fr');
  await setLanguage(page, harness, 'en');
}

async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

/** Calls main through the page's bridge (as the renderer does) and returns the envelope. */
function call(page: Page, method: string, input: unknown) {
  return page.evaluate(([m, i]) => window.ferry.invoke(m as string, i), [method, input] as const);
}

let sink: SmtpSink;
test.beforeAll(async () => {
  sink = await startSmtpSink();
});
test.afterAll(async () => {
  await sink?.stop();
});

function startWithMail(startApp: (o?: object) => Promise<Harness>, exportDir?: string): Promise<Harness> {
  return startApp({
    localPlatformSmtp: { host: '127.0.0.1', port: sink.port, from: 'ferry@acme.example' },
    ...(exportDir ? { savePath: (name: string) => path.join(exportDir, name) } : {}),
  });
}

test.describe('Organisation', () => {
  test('invite a member by e-mail, accept the link, change the role, remove with transfer of ownership', async ({
    page,
    startApp,
    context,
  }, testInfo) => {
    test.setTimeout(180_000);
    const exportDir = testInfo.outputPath('exports');
    const harness = await startWithMail(startApp, exportDir);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.url).origin });
    await setUpWorkspace(page, harness);

    // General: rename, and copy the ID.
    await shoot(page, 'organisation-general', 'en');
    const nameInput = page.getByLabel('Organisation name');
    await nameInput.fill('Acme Data');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('heading', { name: 'Acme Data', level: 2 })).toBeVisible();
    const orgId = (await harness.services.platform.active()).orgId;
    await expect(page.getByRole('region', { name: 'Organisation ID' }).getByTestId('copy-value')).toHaveText(orgId);
    await page.getByRole('button', { name: 'Copy: Organisation ID' }).click();
    await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(orgId);

    // Invitations: invite Inès as editor, in French; the e-mail reaches the SMTP sink with the same link.
    await tab(page, 'Invitations');
    await expect(page.getByText('No invitation yet')).toBeVisible();
    await shootBoth(page, harness, 'organisation-invitations-empty');
    await page.getByRole('button', { name: 'Invite someone' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /^E-mail/ }).fill('ines@example.org');
    await dialog.getByLabel('Role', { exact: true }).click();
    await page.getByRole('option', { name: 'Editor' }).click();
    await dialog.getByLabel('E-mail language', { exact: true }).click();
    await page.getByRole('option', { name: 'French' }).click();
    await dialog.getByRole('button', { name: 'Send the invitation' }).click();
    await expect(dialog.getByText('The invitation e-mail was sent.')).toBeVisible();
    const link = (await dialog.getByTestId('copy-value').textContent()) ?? '';
    expect(link).toContain('/v1/invitations/accept?token=ferry_inv_');
    await shootBoth(page, harness, 'organisation-invitation-created');
    const mail = await sink.waitFor('ines@example.org');
    const text = mailBodyText(mail.raw);
    expect(text).toContain('Acme Data');
    expect(/https?:\/\/\S+/.exec(text)?.[0]).toBe(link);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('table', { name: 'Invitations' })).toContainText('ines@example.org');
    await shoot(page, 'organisation-invitations', 'en');

    // Inès accepts through the platform's public endpoint (what the link's page does).
    const url = new URL(link);
    const preview = await fetch(link).then((r) => r.json() as Promise<{ role: string; organisationName: string }>);
    expect(preview).toMatchObject({ role: 'editor', organisationName: 'Acme Data' });
    const accepted = await fetch(`${url.origin}/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: url.searchParams.get('token'), name: 'Inès Martin', password: PASSWORD }),
    });
    expect(accepted.status).toBe(201);
    const ines = (await accepted.json()) as { token: string; user: { id: string } };
    await page
      .getByRole('table', { name: 'Invitations' })
      .getByRole('button', { name: 'Manage: ines@example.org' })
      .click();
    await expect(page.getByRole('dialog').getByText('Accepted', { exact: true })).toBeVisible();
    await expect(page.getByRole('dialog').getByText('No link: the invitation was accepted')).toBeVisible();
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();

    // Members: Inès is there; make her admin, she creates an API key (she owns it).
    await tab(page, 'Members');
    const members = page.getByRole('table', { name: 'Members' });
    await expect(members).toContainText('Inès Martin');
    await shoot(page, 'organisation-members', 'en');
    await members.getByRole('button', { name: 'Manage: Inès Martin' }).click();
    const memberDialog = page.getByRole('dialog');
    await memberDialog.getByLabel('Role', { exact: true }).click();
    await page.getByRole('option', { name: 'Admin' }).click();
    await memberDialog.getByRole('button', { name: 'Change the role' }).click();
    await expect(page.getByText('The role of Inès Martin was changed.')).toBeVisible();
    await shootBoth(page, harness, 'organisation-member');
    await memberDialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(members.getByRole('row', { name: /Inès Martin/ })).toContainText('Admin');
    const created = await fetch(`${url.origin}/v1/orgs/${orgId}/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ines.token}` },
      body: JSON.stringify({
        name: 'Inès import',
        role: 'editor',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    expect(created.status).toBe(201);
    const keyId = ((await created.json()) as { apiKey: { id: string } }).apiKey.id;

    // Remove Inès: she owns the key, so the dialog asks where it goes; it goes to Ada.
    await members.getByRole('button', { name: 'Manage: Inès Martin' }).click();
    await expect(memberDialog.getByRole('row', { name: /Resources owned/ })).toContainText('1');
    await memberDialog.getByRole('button', { name: 'Remove from the organisation' }).click();
    await expect(memberDialog.getByText('This owner owns 1 resource.')).toBeVisible();
    const confirm = memberDialog.getByRole('button', { name: 'Remove from the organisation' });
    await expect(confirm).toBeDisabled();
    await memberDialog.getByLabel('New owner', { exact: true }).click();
    await page.getByRole('option', { name: /Ada Admin/ }).click();
    await shootBoth(page, harness, 'organisation-member-remove');
    await confirm.click();
    await expect(page.getByText('Inès Martin was removed from the organisation.')).toBeVisible();
    await expect(members).not.toContainText('Inès Martin');
    const adaId = ((await call(page, 'members.list', { query: {} })) as { value: { items: { id: string }[] } }).value
      .items[0]?.id;
    const key = (await call(page, 'apiKeys.get', { keyId })) as { value: { ownerId: string } };
    expect(key.value.ownerId).toBe(adaId);
    // Her session ended with her membership.
    expect(
      (await fetch(`${url.origin}/v1/orgs/${orgId}`, { headers: { authorization: `Bearer ${ines.token}` } })).status,
    ).toBe(401);
    // Her dialog closed without reading her again: that read is refused by the platform and audited as a refusal.
    const refusedReads = (await call(page, 'audit.list', {
      query: { outcome: 'denied', action: 'members.read' },
    })) as { value: { items: unknown[] } };
    expect(refusedReads.value.items).toEqual([]);

    // Audit log: the removal is there; the CSV export is saved where the (harness's) save dialog says.
    await tab(page, 'Audit log');
    await page.getByRole('combobox', { name: 'Action', exact: true }).click();
    await page.getByRole('option', { name: 'Remove a member' }).click();
    const audit = page.getByRole('table', { name: 'Audit log' });
    await expect(audit.getByRole('row')).toHaveCount(2);
    await expect(audit).toContainText('Done');
    await shoot(page, 'organisation-audit', 'en');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await expect(page.getByText(/The audit log was saved to/)).toBeVisible();
    const csv = readFileSync(path.join(exportDir, `audit-${orgId}.csv`), 'utf8');
    expect(csv.split('\r\n')[0]).toContain('id,at,principalType');
    expect(csv).toContain('members.delete');

    // The same screens in French.
    await setLanguage(page, harness, 'fr');
    await tab(page, "Journal d'audit");
    await shoot(page, 'organisation-audit', 'fr');
    await tab(page, 'Membres');
    await shoot(page, 'organisation-members', 'fr');
    await tab(page, 'Invitations');
    await shoot(page, 'organisation-invitations', 'fr');
    await tab(page, 'Général');
    await shoot(page, 'organisation-general', 'fr');

    // Nothing secret in the settings file.
    const file = settingsFile(harness);
    for (const token of [...(await sessionTokens(harness)), ines.token]) expect(file).not.toContain(token);
    expect(file).not.toContain('ferry_inv_');
  });

  test('an API key secret is shown exactly once, with a copy button and a warning', async ({
    page,
    harness,
    context,
  }) => {
    test.setTimeout(120_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.url).origin });
    await setUpWorkspace(page, harness);
    await tab(page, 'API keys');
    await expect(page.getByText('No API key yet')).toBeVisible();
    await shootBoth(page, harness, 'organisation-api-keys-empty');
    await page.getByRole('button', { name: 'Create an API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create an API key' }).click();
    await expect(dialog.getByText('Type a name for the key.')).toBeVisible();
    await dialog.getByLabel('Name').fill('Nightly import');
    await dialog.getByLabel('Role', { exact: true }).click();
    await page.getByRole('option', { name: 'Editor' }).click();
    await dialog.getByLabel('Expires in (days)').fill('30');
    await dialog.getByRole('button', { name: 'Create an API key' }).click();

    await expect(dialog.getByText('This is the only time the secret of “Nightly import” is shown.')).toBeVisible();
    const secret = (await dialog.getByTestId('copy-value').textContent()) ?? '';
    expect(secret).toMatch(/^ferry_ak_/);
    await dialog.getByRole('button', { name: 'Copy: API key secret' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await shootBoth(page, harness, 'organisation-api-key-secret');
    const axe = await new AxeBuilder({ page }).include('[role="dialog"]').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
      [],
    );
    const done = dialog.getByRole('button', { name: 'Done' });
    await expect(done).toBeDisabled();
    await dialog.getByLabel('I have stored the key in a safe place').check();
    await done.click();
    await expect(page.getByRole('dialog')).toHaveCount(0);

    // Gone: not on the page, not in the list, not in the key's details, not after a reload, not in any file.
    const keys = page.getByRole('table', { name: 'API keys' });
    await expect(keys).toContainText('Nightly import');
    await expect(keys).toContainText(secret.slice(0, 13));
    expect(await page.content()).not.toContain(secret);
    const listed = await call(page, 'apiKeys.list', { query: {} });
    expect(JSON.stringify(listed)).not.toContain(secret);
    await keys.getByRole('button', { name: 'Manage: Nightly import' }).click();
    await expect(page.getByRole('dialog').getByText('Nightly import')).toBeVisible();
    expect(await page.content()).not.toContain(secret);
    await shootBoth(page, harness, 'organisation-api-key');
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
    await page.reload();
    await openOrganisation(page);
    await tab(page, 'API keys');
    await expect(keys).toContainText('Nightly import');
    expect(await page.content()).not.toContain(secret);
    expect(settingsFile(harness)).not.toContain(secret);
    await shoot(page, 'organisation-api-keys', 'en');
    await setLanguage(page, harness, 'fr');
    await shoot(page, 'organisation-api-keys', 'fr');
    await setLanguage(page, harness, 'en');

    // The secret works once, on the platform, until the key is deleted (with a confirmation).
    const base = new URL(
      (
        (await call(page, 'invitations.create', { email: 'x@example.org', role: 'viewer', language: 'en' })) as {
          value: { link: string };
        }
      ).value.link,
    ).origin;
    expect((await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    await keys.getByRole('button', { name: 'Manage: Nightly import' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete the key' }).click();
    await expect(page.getByRole('dialog').getByText('Programs using it stop working at once.')).toBeVisible();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete the key' }).click();
    await expect(keys).not.toContainText('Nightly import');
    expect((await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
  });

  test('a viewer sees what the role allows; a refused action is explained; accounts switch', async ({
    page,
    harness,
  }) => {
    test.setTimeout(120_000);
    await setUpWorkspace(page, harness);
    const invitation = (await call(page, 'invitations.create', {
      email: 'victor@example.org',
      role: 'viewer',
      language: 'en',
    })) as { value: { link: string } };
    const link = invitation.value.link;

    // Victor joins from the app itself ("Add an account" > Join with an invitation).
    const menu = page.getByRole('button', { name: /^Account and organisation/ });
    await menu.click();
    await page.getByRole('menuitem', { name: 'Add an account' }).click();
    await expect(page.getByRole('heading', { name: 'Add an account', level: 2 })).toBeVisible();
    await page.getByText('Join with an invitation').click();
    await page.getByLabel('Invitation link').fill(link);
    await page.getByRole('button', { name: 'Check the link' }).click();
    await expect(page.getByText('Acme invites victor@example.org as Viewer.')).toBeVisible();
    await shootBoth(page, harness, 'join');
    await page.getByLabel('Your name').fill('Victor Viewer');
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Join the organisation' }).click();

    await expect(page.getByText('Signed in as victor@example.org (Viewer)')).toBeVisible();
    await expect(page.getByRole('tab')).toHaveText(['General', 'Members', 'Connectors']);
    await expect(page.getByLabel('Organisation name')).toHaveCount(0);
    await expect(page.getByText('Only admins can rename the organisation.')).toBeVisible();
    await tab(page, 'Members');
    await expect(page.getByRole('button', { name: /^Manage/ })).toHaveCount(0);
    await page.getByRole('button', { name: 'View: Ada Admin' }).click();
    await expect(page.getByRole('dialog').getByRole('button', { name: 'Remove from the organisation' })).toHaveCount(0);
    await shootBoth(page, harness, 'organisation-viewer');
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();

    // The platform itself refuses what the role does not allow, with a code the UI translates.
    const refused = await call(page, 'members.setRole', { memberId: 'usr_x', role: 'admin' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'PlatformRefused', reason: 'forbidden' } });

    // Switch back to Ada from the header.
    await menu.click();
    await page.getByRole('menuitem', { name: new RegExp(ADMIN.email) }).click();
    await expect(page.getByText(`Signed in as ${ADMIN.email} (Admin)`)).toBeVisible();
    expect((await sessionTokens(harness)).length).toBe(2);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`the organisation tabs have no serious accessibility violation (${theme})`, async ({ page, harness }) => {
      test.setTimeout(120_000);
      harness.services.settings.set({ theme });
      await setUpWorkspace(page, harness);
      for (const name of ['General', 'Members', 'Invitations', 'API keys', 'Audit log']) {
        await tab(page, name);
        await expect(page.getByRole('tab', { name, selected: true })).toBeVisible();
        await page.waitForTimeout(300);
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${name}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
        expect(serious).toEqual([]);
      }
    });
  }
});
