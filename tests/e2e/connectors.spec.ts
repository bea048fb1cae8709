import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';
import { VSFTPD_BINARY, startVsftpd, type VsftpdServer } from '../servers/vsftpd-server';
import { expect, test } from './harness-fixture';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const vsftpdAvailable = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');

let sshd: SshdServer | undefined;
let other: SshdServer | undefined;
let vsftpd: VsftpdServer | undefined;

test.beforeAll(async () => {
  if (sshdAvailable.available) {
    [sshd, other] = await Promise.all([startSshd(), startSshd()]);
    writeFileSync(path.join(sshd.root, 'people.csv'), 'name,city\nAda,London\n"Doe, Jane",Paris\n');
    writeFileSync(path.join(sshd.root, 'readme.txt'), 'Exchange folder\n');
  }
  if (vsftpdAvailable.available) vsftpd = await startVsftpd();
});
test.afterAll(async () => {
  await Promise.all([sshd?.dispose(), other?.dispose(), vsftpd?.dispose()]);
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true, animations: 'disabled' });

const openScreen = async (page: Page, nav: string, heading: string) => {
  await page.getByRole('navigation').getByRole('button', { name: nav }).click();
  await expect(page.getByRole('heading', { name: heading, level: 2 })).toBeVisible();
};

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Accepts session-only secrets when the harness has no keychain (the form asks for consent then). */
async function acceptSessionSecretsIfAsked(page: Page, harness: Harness) {
  if (harness.services.secrets.backend === 'session') {
    await page.getByRole('checkbox', { name: /this session only|cette session seulement/ }).check();
  }
}

test.describe('My connectors', () => {
  test.skip(!sshdAvailable.available, sshdAvailable.available ? '' : sshdAvailable.reason);

  test('add an SFTP connector, confirm its host key, browse it, preview a CSV; no secret on disk', async ({
    page,
    harness,
  }) => {
    const server = sshd!;
    await page.goto(harness.url);
    await openScreen(page, 'Connectors', 'My connectors');
    await expect(page.getByText('No connectors yet')).toBeVisible();
    await shot(page, 'connectors-empty-en');

    await page.getByRole('button', { name: 'Add a connector' }).click();
    // Validation in the user's language before anything reaches main.
    await page.getByRole('button', { name: 'Save and test' }).click();
    await expect(page.getByText('Correct the 3 fields marked above.')).toBeVisible();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Partner SFTP');
    await page.getByRole('textbox', { name: 'Host', exact: true }).fill(server.host);
    await page.getByRole('textbox', { name: 'Port', exact: true }).fill('99999');
    await page.getByRole('textbox', { name: 'User name', exact: true }).fill(server.user.name);
    await page.getByRole('button', { name: 'Save and test' }).click();
    await expect(page.getByText('Enter a number from 1 to 65535.')).toBeVisible();
    await page.getByRole('textbox', { name: 'Port', exact: true }).fill(String(server.port));
    await page.getByLabel('Password', { exact: true }).fill(server.user.password);
    await page.getByRole('textbox', { name: 'Folder on the server', exact: true }).fill(server.root);
    await acceptSessionSecretsIfAsked(page, harness);
    await shot(page, 'connectors-form-en');
    await page.getByRole('button', { name: 'Save and test' }).click();

    // First use: the host key's fingerprint is shown for confirmation, and it is the server's.
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByText("Confirm the server's host key", { exact: true })).toBeVisible();
    await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(server.hostKeyFingerprint);
    // The identity comes first: the handshake waits for the confirmation, and nothing says the test failed.
    await expect(dialog.locator('[data-step="handshake"]')).toHaveAttribute('data-status', 'awaiting');
    await expect(dialog.getByTestId('test-outcome')).toHaveCount(0);
    await shot(page, 'connectors-confirm-host-key-en');
    await dialog.getByRole('button', { name: /trust and connect/ }).click();
    await expect(dialog.getByTestId('test-outcome')).toContainText('The connector works.');
    for (const step of ['resolve', 'connect', 'handshake', 'authenticate', 'list']) {
      await expect(dialog.locator(`[data-step="${step}"]`)).toHaveAttribute('data-status', 'ok');
    }
    await shot(page, 'connectors-test-ok-en');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByRole('row', { name: /Partner SFTP/ })).toContainText('1 secret set');
    await shot(page, 'connectors-list-en');

    // Browse it and preview a CSV file.
    await page
      .getByRole('row', { name: /Partner SFTP/ })
      .getByRole('button', { name: 'Browse' })
      .click();
    await expect(page.getByRole('heading', { name: 'Browser', level: 2 })).toBeVisible();
    await page.getByRole('option', { name: /people\.csv/ }).click();
    const preview = page.getByTestId('csv-preview');
    await expect(preview.getByRole('columnheader', { name: 'city' })).toBeVisible();
    await expect(preview.getByRole('cell', { name: 'Doe, Jane' })).toBeVisible();
    await expect(page.getByTestId('details')).toContainText('people.csv');
    await shot(page, 'browser-en');

    // The same screens in French.
    harness.services.settings.set({ language: 'fr' });
    await expect(page.getByRole('heading', { name: 'Explorateur', level: 2 })).toBeVisible();
    await shot(page, 'browser-fr');
    await openScreen(page, 'Connecteurs', 'Mes connecteurs');
    await shot(page, 'connectors-list-fr');
    await page.getByRole('button', { name: 'Modifier Partner SFTP' }).click();
    await expect(page.getByText('Enregistré', { exact: true })).toBeVisible(); // the password: set, never shown
    for (const input of await page.locator('input[type="password"]').all()) await expect(input).toHaveValue('');
    expect(await page.content()).not.toContain(server.user.password);
    await shot(page, 'connectors-form-fr');
    await page.getByRole('button', { name: 'Annuler' }).click();

    // No secret in any file of the app's data folder (settings, trust store, journals).
    const files = filesUnder(harness.dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(readFileSync(file).includes(Buffer.from(server.user.password)), file).toBe(false);
    }
  });

  test('a wrong password shows the failing sign-in step and what to do', async ({ page, harness }) => {
    const server = sshd!;
    await harness.services.connectors.create({
      name: 'Wrong password',
      kind: 'sftp',
      options: {
        host: server.host,
        port: server.port,
        username: server.user.name,
        hostKeyFingerprint: server.hostKeyFingerprint,
      },
      secrets: { password: 'certainly-not-the-password' },
      acceptSessionSecrets: true,
    });
    await page.goto(harness.url);
    await openScreen(page, 'Connectors', 'My connectors');
    await page
      .getByRole('row', { name: /Wrong password/ })
      .getByRole('button', { name: 'Test' })
      .click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('test-outcome')).toContainText('The test failed');
    const step = dialog.locator('[data-step="authenticate"]');
    await expect(step).toHaveAttribute('data-status', 'failed');
    await expect(step.locator('[data-hint]')).toContainText(/password/i);
    await expect(dialog.locator('[data-step="handshake"]')).toHaveAttribute('data-status', 'ok');
    await expect(dialog.locator('[data-step="list"]')).toHaveAttribute('data-status', 'skipped');
    await shot(page, 'connectors-test-failed-en');
    harness.services.settings.set({ language: 'fr' });
    await dialog.getByRole('button', { name: 'Tester de nouveau' }).click();
    await expect(dialog.getByTestId('test-outcome')).toContainText('Le test a échoué');
    await shot(page, 'connectors-test-failed-fr');
  });

  test('a changed host key is refused with a warning and cannot be trusted', async ({ page, harness }) => {
    const server = sshd!;
    const created = await harness.services.connectors.create({
      name: 'Changed key',
      kind: 'sftp',
      options: { host: server.host, port: server.port, username: server.user.name },
      secrets: { password: server.user.password },
      acceptSessionSecrets: true,
    });
    // The key confirmed earlier for this host and port is another one: as if the server's key changed since.
    harness.services.connectors.identities.confirm(`sftp:${server.host}:${server.port}`, other!.hostKeyFingerprint);
    await page.goto(harness.url);
    await openScreen(page, 'Connectors', 'My connectors');
    await page
      .getByRole('row', { name: /Changed key/ })
      .getByRole('button', { name: 'Test' })
      .click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByText("Warning: the server's host key changed")).toBeVisible();
    await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(server.hostKeyFingerprint);
    await expect(dialog.getByText(other!.hostKeyFingerprint, { exact: true })).toBeVisible();
    await expect(dialog.getByRole('button', { name: /trust/i })).toHaveCount(0);
    await shot(page, 'connectors-changed-key-en');
    harness.services.settings.set({ language: 'fr' });
    await expect(dialog.getByText(/Attention\s: l'identité du serveur a changé/)).toBeVisible();
    await shot(page, 'connectors-changed-key-fr');
    // Browsing it is refused too.
    await expect(harness.services.browser.list({ connectorId: created.id, path: '' }, {
      offset: 0, limit: 10, sort: { by: 'name', direction: 'asc' }, filter: '',
    })).rejects.toMatchObject({ code: 'AuthFailed' }); // prettier-ignore
  });
});

test.describe('FTPS connector', () => {
  test.skip(!vsftpdAvailable.available, vsftpdAvailable.available ? '' : vsftpdAvailable.reason);

  test('the certificate is confirmed with its SHA256 fingerprint and pinned', async ({ page, harness }) => {
    const server = vsftpd!;
    await page.goto(harness.url);
    await openScreen(page, 'Connectors', 'My connectors');
    await page.getByRole('button', { name: 'Add a connector' }).click();
    await page.getByRole('combobox', { name: 'Type' }).click();
    await page.getByRole('option', { name: 'FTPS' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Partner FTPS');
    await page.getByRole('textbox', { name: 'Host', exact: true }).fill(server.host);
    await page.getByRole('textbox', { name: 'Port', exact: true }).fill(String(server.port));
    await page.getByRole('textbox', { name: 'User name', exact: true }).fill(server.user.name);
    await page.locator('input[type="password"]').fill(server.user.password); // the only secret of FTPS
    await page.getByRole('button', { name: 'Advanced settings' }).click();
    await expect(page.getByRole('textbox', { name: 'Pinned certificate', exact: true })).toBeVisible();
    await acceptSessionSecretsIfAsked(page, harness);
    await page.getByRole('button', { name: 'Save and test' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByText("Confirm the server's certificate", { exact: true })).toBeVisible();
    await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(server.certificate.fingerprint256);
    await shot(page, 'connectors-confirm-certificate-en');
    await dialog.getByRole('button', { name: /trust and connect/ }).click();
    await expect(dialog.getByTestId('test-outcome')).toContainText('The connector works.');
    const [saved] = (await harness.services.connectors.list()).filter((c) => c.name === 'Partner FTPS');
    expect(saved?.options['certificateFingerprint']).toBe(server.certificate.fingerprint256);
    harness.services.settings.set({ language: 'fr' });
    await dialog.getByRole('button', { name: 'Fermer' }).click();
    await page.getByRole('button', { name: 'Ajouter un connecteur' }).click();
    await shot(page, 'connectors-new-fr');
    for (const file of filesUnder(harness.dataDir)) {
      expect(readFileSync(file).includes(Buffer.from(server.user.password)), file).toBe(false);
    }
  });
});
