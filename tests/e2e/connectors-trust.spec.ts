import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';
import type { Harness } from '../harness/harness';
import { expect, test } from './harness-fixture';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

let sshd: SshdServer | undefined;

test.beforeAll(async () => {
  if (!sshdAvailable.available) return;
  sshd = await startSshd();
  writeFileSync(path.join(sshd.root, 'report.csv'), 'name,city\nAda,London\n');
});
test.afterAll(async () => {
  await sshd?.dispose();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true, animations: 'disabled' });

const openScreen = async (page: Page, nav: string, heading: string) => {
  await page.getByRole('navigation').getByRole('button', { name: nav }).click();
  await expect(page.getByRole('heading', { name: heading, level: 2 })).toBeVisible();
};

/** An SFTP connector to the test server whose host key was never confirmed. */
async function untrustedConnector(harness: Harness, name: string, password = sshd!.user.password) {
  return harness.services.connectors.create({
    name,
    kind: 'sftp',
    options: { host: sshd!.host, port: sshd!.port, username: sshd!.user.name, root: sshd!.root },
    secrets: { password },
    acceptSessionSecrets: true,
  });
}

test.describe('Connector test, the server identity first', () => {
  test.skip(!sshdAvailable.available, sshdAvailable.available ? '' : sshdAvailable.reason);

  test('a browse refused on an unknown host key offers the confirmation; then the test runs on, with writing', async ({
    page,
    harness,
  }) => {
    await untrustedConnector(harness, 'Partner drop');
    await page.goto(harness.url);
    await openScreen(page, 'Connectors', 'My connectors');
    await expect(page.getByTestId('identity-badge')).toHaveCount(0);
    await page
      .getByRole('row', { name: /Partner drop/ })
      .getByRole('button', { name: 'Browse' })
      .click();
    await expect(page.getByRole('heading', { name: 'Browser', level: 2 })).toBeVisible();
    const refused = page.getByTestId('identity-refused');
    await expect(refused).toContainText(
      `Partner drop: the host key of ${sshd!.host}:${sshd!.port} is not trusted yet.`,
    );
    await expect(page.getByRole('alert')).not.toContainText(/AuthFailed|Retryable/);
    await shot(page, 'connectors-trust-browse-refused-en');

    await refused.getByRole('button', { name: 'Check the host key…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(sshd!.hostKeyFingerprint);
    await expect(dialog.locator('[data-step="handshake"]')).toHaveAttribute('data-status', 'awaiting');
    await expect(dialog.locator('[data-step="authenticate"]')).toContainText('Runs once you trust');
    await expect(dialog.getByTestId('test-outcome')).toHaveCount(0);
    await expect(dialog).not.toContainText('The test failed');
    await shot(page, 'connectors-trust-confirm-en');

    await dialog.getByRole('checkbox', { name: 'Also test writing' }).check();
    await dialog.getByRole('button', { name: /trust and connect/ }).click();
    await expect(dialog.getByTestId('test-outcome')).toContainText('The connector works.');
    for (const step of ['resolve', 'connect', 'handshake', 'authenticate', 'list', 'read', 'write']) {
      await expect(dialog.locator(`[data-step="${step}"]`)).toHaveAttribute('data-status', 'ok');
    }
    // Each step that ran shows its own measured time, the write probe included.
    await expect(dialog.locator('[data-step="write"] [data-duration]')).toHaveText(/\(\d+ ms\)/);
    await shot(page, 'connectors-trust-after-en');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The browser works now.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('option', { name: /report\.csv/ })).toBeVisible();
    await expect(page.getByTestId('identity-refused')).toHaveCount(0);
  });

  test('the edit form shows the trusted host key and forgets it; the next test asks again (EN and FR)', async ({
    page,
    harness,
  }) => {
    const connector = await untrustedConnector(harness, 'Remembered key');
    await harness.services.connectors.test(connector.id);
    await harness.services.connectors.trustIdentity(connector.id, sshd!.hostKeyFingerprint);
    await page.goto(harness.url);
    await openScreen(page, 'Connectors', 'My connectors');
    await page.getByRole('button', { name: 'Edit Remembered key' }).click();
    const card = page.getByTestId('trusted-identity');
    await expect(card.getByTestId('trusted-fingerprint')).toHaveText(sshd!.hostKeyFingerprint);
    await shot(page, 'connectors-trust-form-en');

    harness.services.settings.set({ language: 'fr' });
    await expect(card).toContainText('Vous avez confirmé cette empreinte');
    await shot(page, 'connectors-trust-form-fr');
    await card.getByRole('button', { name: "Oublier cette clé d'hôte" }).click();
    await card.getByRole('button', { name: 'Oublier', exact: true }).click();
    await expect(card).toContainText('Aucune empreinte');
    expect(harness.services.connectors.identities.confirmed(`sftp:${sshd!.host}:${sshd!.port}`)).toBeUndefined();
    await shot(page, 'connectors-trust-forgotten-fr');
    await page.getByRole('button', { name: 'Annuler' }).click();

    await page
      .getByRole('row', { name: /Remembered key/ })
      .getByRole('button', { name: 'Tester' })
      .click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(sshd!.hostKeyFingerprint);
    await expect(dialog).not.toContainText('Le test a échoué');
    await expect(dialog.locator('[data-step="handshake"]')).toContainText('en attente de votre confirmation');
    await shot(page, 'connectors-trust-confirm-fr');
  });

  test('a wrong password names the server and the account, in French, with no internal code', async ({
    page,
    harness,
  }) => {
    const connector = await untrustedConnector(harness, 'Mauvais mot de passe', 'certainly-not-the-password');
    await harness.services.connectors.test(connector.id);
    await harness.services.connectors.trustIdentity(connector.id, sshd!.hostKeyFingerprint);
    harness.services.settings.set({ language: 'fr' });
    await page.goto(harness.url);
    await openScreen(page, 'Connecteurs', 'Mes connecteurs');
    await page
      .getByRole('row', { name: /Mauvais mot de passe/ })
      .getByRole('button', { name: 'Tester' })
      .click();
    const dialog = page.getByRole('dialog');
    const step = dialog.locator('[data-step="authenticate"]');
    await expect(step).toHaveAttribute('data-status', 'failed');
    await expect(step).toContainText(`Impossible de s'identifier sur ${sshd!.host} en tant que ${sshd!.user.name}.`);
    await expect(dialog).not.toContainText(/AuthFailed|Retryable/);
    await shot(page, 'connectors-trust-wrong-password-fr');
  });

  test('"Load from file…" puts the key file\'s text in the field; the path never leaves the page', async ({
    page,
    harness,
  }) => {
    await page.goto(harness.url);
    await openScreen(page, 'Connectors', 'My connectors');
    await page.getByRole('button', { name: 'Add a connector' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Key file');
    await page.getByRole('textbox', { name: 'Host', exact: true }).fill(sshd!.host);
    await page.getByRole('textbox', { name: 'Port', exact: true }).fill(String(sshd!.port));
    await page.getByRole('textbox', { name: 'User name', exact: true }).fill(sshd!.user.name);
    await page.getByRole('textbox', { name: 'Folder on the server', exact: true }).fill(sshd!.root);
    // A copy of the key in a folder of its own: its path must appear nowhere.
    const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-key-file-')), 'id_ed25519');
    writeFileSync(copy, sshd!.clientKey.privateKey, { mode: 0o600 });
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Load from file… (Private key)' }).click();
    await (await chooser).setFiles(copy);
    await expect(page.getByRole('textbox', { name: 'Private key', exact: true })).toHaveValue(
      sshd!.clientKey.privateKey,
    );
    await page.getByLabel('Key passphrase', { exact: true }).fill(sshd!.clientKey.passphrase);
    await shot(page, 'connectors-trust-key-file-en');
    if (harness.services.secrets.backend === 'session') {
      await page.getByRole('checkbox', { name: /this session only/ }).check();
    }
    await page.getByRole('button', { name: 'Save and test' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: /trust and connect/ }).click();
    await expect(dialog.getByTestId('test-outcome')).toContainText('The connector works.');
    const [saved] = (await harness.services.connectors.list()).filter((c) => c.name === 'Key file');
    expect(JSON.stringify(saved)).not.toContain(copy);
    expect(saved?.secrets['privateKey']).toEqual({ hasSecret: true });
  });

  test('a transfer failing on an untrusted host key says so on the Transfers screen and offers the trust dialog', async ({
    page,
    harness,
  }) => {
    const connector = await untrustedConnector(harness, 'Outgoing');
    const downloads = mkdtempSync(path.join(os.tmpdir(), 'ferry-trust-downloads-'));
    await page.goto(harness.url);
    const result = await page.evaluate((input) => window.ferry.invoke('transfers.enqueue', input), {
      sources: [{ connectorId: connector.id, path: 'report.csv' }],
      destination: harness.services.locations.localLocation(downloads),
    });
    expect(result).toMatchObject({ ok: true });
    await page.getByRole('navigation').getByRole('button', { name: 'Transfers' }).click();
    const row = page.getByRole('row', { name: 'report.csv' });
    await expect(row).toHaveAttribute('data-transfer-state', 'failed', { timeout: 30_000 });
    const refused = row.getByTestId('identity-refused');
    await expect(refused).toContainText('Outgoing: the host key of');
    await shot(page, 'connectors-trust-transfer-refused-en');
    await refused.getByRole('button', { name: 'Check the host key…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(sshd!.hostKeyFingerprint);
    await dialog.getByRole('button', { name: /trust and connect/ }).click();
    await expect(dialog.getByTestId('test-outcome')).toContainText('The connector works.');
    harness.services.settings.set({ language: 'fr' });
    await dialog.getByRole('button', { name: 'Fermer' }).click();
    await expect(page.getByTestId('identity-refused')).toHaveCount(0);
    await shot(page, 'connectors-trust-transfer-after-fr');
  });
});
