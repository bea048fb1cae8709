import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';
import { expect, test } from './harness-fixture';
import { openOrganisation, setLanguage, setUpWorkspace, shoot } from './organisation-helpers';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const PASSWORD = 'another good password';
const SIZES = [
  { width: 1200, height: 800 },
  { width: 1024, height: 640 },
] as const;

let sshd: SshdServer | undefined;

test.beforeAll(async () => {
  if (!sshdAvailable.available) return;
  sshd = await startSshd();
});
test.afterAll(async () => {
  await sshd?.dispose();
});

/** Calls main through the page's bridge (as the renderer does) and returns the envelope. */
function call(page: Page, method: string, input: unknown) {
  return page.evaluate(([m, i]) => window.ferry.invoke(m as string, i), [method, input] as const);
}

/** Screenshots the page at both window sizes the issue names (then back to the default one). */
async function shootSizes(page: Page, name: string, lang: 'en' | 'fr'): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await shoot(page, `${name}-${size.width}`, lang);
  }
  await page.setViewportSize(SIZES[0]);
}

/** Screenshots the page at both sizes in English, then in French (switched live), and back to English. */
async function shootBoth(page: Page, harness: Harness, name: string): Promise<void> {
  await shootSizes(page, name, 'en');
  await setLanguage(page, harness, 'fr');
  await shootSizes(page, name, 'fr');
  await setLanguage(page, harness, 'en');
}

/** The serious or critical axe violations of the page as it is now. */
async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function openConnectorsTab(page: Page, name = 'Connectors'): Promise<Locator> {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name, selected: true })).toBeVisible();
  return page.getByRole('table', { name });
}

/** Replaces the stored password in the edit form with `password` and saves. */
async function replacePassword(page: Page, password: string): Promise<void> {
  const form = page.getByRole('dialog', { name: 'Edit Partner drop' });
  await expect(form.getByText('Set', { exact: true })).toBeVisible();
  await form.getByRole('button', { name: 'Replace Password' }).click();
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form).toHaveCount(0);
}

/** Joins the organisation through an invitation link as a new member, who becomes the active account. */
async function join(page: Page, link: string, name: string): Promise<void> {
  const joined = await call(page, 'platform.acceptInvitation', { link, name, password: PASSWORD });
  expect(joined.ok).toBe(true);
  await page.reload();
  await openOrganisation(page);
  await expect(page.getByText(/^Signed in as /)).toBeVisible();
}

test.describe('Organisation > Connectors', () => {
  test.skip(!sshdAvailable.available, sshdAvailable.available ? '' : sshdAvailable.reason);

  test('an admin creates an SFTP connector on a real server, confirms its host key, tests it, replaces its secret; editors and viewers only see', async ({
    page,
    harness,
  }) => {
    test.setTimeout(480_000);
    const server = sshd!;
    await setUpWorkspace(page, harness);
    // Both members are invited by the admin now; they join later.
    const invite = async (email: string, role: string) => {
      const result = (await call(page, 'invitations.create', { email, role, language: 'en' })) as {
        value: { link: string };
      };
      return result.value.link;
    };
    const editorLink = await invite('eddie@example.org', 'editor');
    const viewerLink = await invite('victor@example.org', 'viewer');

    const table = await openConnectorsTab(page);
    await expect(page.getByText('No organisation connector yet. Add one')).toBeVisible();

    // The generated SFTP form (the same as my connectors'), its secret going to the platform's vault.
    await page.getByRole('button', { name: 'Add a connector' }).click();
    const form = page.getByRole('dialog', { name: 'New organisation connector' });
    await form.getByRole('button', { name: 'Save and test' }).click();
    await expect(form.getByText('Correct the 3 fields marked above.')).toBeVisible();
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Partner drop');
    await form.getByRole('textbox', { name: 'Host', exact: true }).fill(server.host);
    await form.getByRole('textbox', { name: 'Port', exact: true }).fill(String(server.port));
    await form.getByRole('textbox', { name: 'User name', exact: true }).fill(server.user.name);
    await form.getByLabel('Password', { exact: true }).fill(server.user.password);
    await form.getByRole('textbox', { name: 'Folder on the server', exact: true }).fill(server.root);
    // The platform's outgoing addresses, for the storage owner, before the connector exists.
    await expect(form.getByTestId('outgoing-addresses')).toBeVisible();
    await shootBoth(page, harness, 'org-connectors-new');
    await form.getByRole('button', { name: 'Save and test' }).click();

    // The platform's test stops at the host key: the fingerprint is confirmed first, nothing "failed".
    const testDialog = page.getByRole('dialog', { name: 'Test Partner drop from the platform' });
    await expect(testDialog.getByTestId('presented-fingerprint')).toHaveText(server.hostKeyFingerprint);
    await expect(testDialog.locator('[data-step="handshake"]')).toHaveAttribute('data-status', 'awaiting');
    await expect(testDialog.getByTestId('test-outcome')).toHaveCount(0);
    await expect(testDialog).not.toContainText(/POST|AuthFailed|Retryable/);
    await shootBoth(page, harness, 'org-connectors-confirm');
    await testDialog.getByRole('checkbox', { name: 'Also test writing' }).check();
    await testDialog.getByRole('button', { name: 'They match: trust and connect' }).click();
    await expect(testDialog.getByTestId('test-outcome')).toContainText('The connector works.');
    for (const step of ['connect', 'handshake', 'authenticate', 'list', 'write']) {
      await expect(testDialog.locator(`[data-step="${step}"]`)).toHaveAttribute('data-status', 'ok');
    }
    await shootBoth(page, harness, 'org-connectors-test-ok');
    await testDialog.getByRole('button', { name: 'Close', exact: true }).click();

    // The details: the pinned host key, the password set (never shown), the platform's outgoing addresses.
    const detail = page.getByRole('dialog', { name: 'Partner drop', exact: true });
    await expect(detail.getByTestId('pinned-fingerprint')).toHaveText(server.hostKeyFingerprint);
    await expect(detail.locator('[data-secret="password"]')).toHaveAttribute('data-state', 'set');
    await expect(detail.getByTestId('outgoing-addresses')).toBeVisible();
    await expect(detail.getByText('Works', { exact: true })).toBeVisible();
    await expect(page.locator('body')).not.toContainText(server.user.password);
    await shootSizes(page, 'org-connectors-detail', 'en');
    expect(await seriousViolations(page, 'detail')).toEqual([]);

    // Replace the password with a wrong one: the platform's test now fails at sign-in; the right one works again.
    await detail.getByRole('button', { name: 'Edit', exact: true }).click();
    await replacePassword(page, 'not the password');
    await detail.getByRole('button', { name: 'Test', exact: true }).click();
    await expect(testDialog.locator('[data-step="authenticate"]')).toHaveAttribute('data-status', 'failed', {
      timeout: 30_000,
    });
    await expect(testDialog.getByTestId('test-outcome')).toContainText('The test failed');
    await testDialog.getByRole('button', { name: 'Close', exact: true }).click();
    await detail.getByRole('button', { name: 'Edit', exact: true }).click();
    await replacePassword(page, server.user.password);
    await detail.getByRole('button', { name: 'Test', exact: true }).click();
    await expect(testDialog.getByTestId('test-outcome')).toContainText('The connector works.');
    await testDialog.getByRole('button', { name: 'Close', exact: true }).click();

    // Forget the pinned host key in the edit form (confirmed): the next test asks to trust it again.
    await detail.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Partner drop' });
    await expect(edit.getByTestId('trusted-fingerprint')).toHaveText(server.hostKeyFingerprint);
    await edit.getByRole('button', { name: 'Forget this host key' }).click();
    await edit.getByRole('button', { name: 'Forget', exact: true }).click();
    await expect(edit.getByTestId('identity-forgotten')).toBeVisible();
    await edit.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(detail.getByTestId('needs-identity')).toBeVisible();
    await detail.getByRole('button', { name: 'Test', exact: true }).click();
    await expect(testDialog.getByTestId('presented-fingerprint')).toHaveText(server.hostKeyFingerprint);
    await testDialog.getByRole('button', { name: 'They match: trust and connect' }).click();
    await expect(testDialog.getByTestId('test-outcome')).toContainText('The connector works.');
    await testDialog.getByRole('button', { name: 'Close', exact: true }).click();
    await detail.getByRole('button', { name: 'Close', exact: true }).click();

    // The list, its state and who uses it; in English and French, at both sizes; axe in light and dark.
    const row = table.getByRole('row', { name: /Partner drop/ });
    await expect(row).toContainText('SFTP');
    await expect(row).toContainText('Works');
    await expect(row).toContainText('Not used');
    await shootSizes(page, 'org-connectors-list', 'en');
    expect(await seriousViolations(page, 'list light')).toEqual([]);
    harness.services.settings.set({ theme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    expect(await seriousViolations(page, 'list dark')).toEqual([]);
    harness.services.settings.set({ theme: 'light' });

    await setLanguage(page, harness, 'fr');
    const tableFr = page.getByRole('table', { name: 'Connecteurs' });
    await expect(page.getByRole('tab', { name: 'Connecteurs', selected: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Ajouter un connecteur' })).toBeVisible();
    await expect(tableFr.getByRole('columnheader', { name: /Type de stockage/ })).toBeVisible();
    await expect(tableFr.getByRole('row', { name: /Partner drop/ })).toContainText('Fonctionne');
    await shootSizes(page, 'org-connectors-list', 'fr');
    await tableFr.getByRole('button', { name: 'Gérer: Partner drop' }).click();
    const detailFr = page.getByRole('dialog', { name: 'Partner drop', exact: true });
    await expect(detailFr.getByText('Secrets (jamais affichés)')).toBeVisible();
    await expect(detailFr.locator('[data-secret="password"]')).toContainText('Enregistré');
    await expect(detailFr.getByText('Adresses sortantes de la plateforme')).toBeVisible();
    await shootSizes(page, 'org-connectors-detail', 'fr');
    expect(await seriousViolations(page, 'detail fr')).toEqual([]);
    await detailFr.getByRole('button', { name: 'Modifier', exact: true }).click();
    const formFr = page.getByRole('dialog', { name: 'Modifier Partner drop' });
    await expect(formFr.getByRole('button', { name: 'Remplacer Mot de passe' })).toBeVisible();
    await shootSizes(page, 'org-connectors-edit', 'fr');
    await formFr.getByRole('button', { name: 'Annuler' }).click();
    await detailFr.getByRole('button', { name: 'Fermer', exact: true }).click();
    await setLanguage(page, harness, 'en');

    // An editor sees the state and the details, and no action that changes a connector.
    await join(page, editorLink, 'Eddie Editor');
    await expect(page.getByText('Signed in as eddie@example.org (Editor)')).toBeVisible();
    const editorTable = await openConnectorsTab(page);
    await expect(editorTable.getByRole('row', { name: /Partner drop/ })).toContainText('Works');
    await expect(page.getByRole('button', { name: 'Add a connector' })).toHaveCount(0);
    await expect(editorTable.getByRole('button', { name: 'Manage: Partner drop' })).toHaveCount(0);
    await editorTable.getByRole('button', { name: 'View: Partner drop' }).click();
    const editorDetail = page.getByRole('dialog', { name: 'Partner drop', exact: true });
    await expect(editorDetail.locator('[data-secret="password"]')).toHaveAttribute('data-state', 'set');
    for (const action of ['Test', 'Edit', 'Delete the connector']) {
      await expect(editorDetail.getByRole('button', { name: action, exact: true })).toHaveCount(0);
    }
    await shoot(page, 'org-connectors-editor-detail', 'en');
    await editorDetail.getByRole('button', { name: 'Close', exact: true }).click();
    // The platform refuses an editor's change anyway.
    const connectorId = (
      (await call(page, 'orgConnectors.list', { query: {} })) as { value: { items: { id: string }[] } }
    ).value.items[0]!.id;
    expect(await call(page, 'orgConnectors.test', { params: { connectorId } })).toMatchObject({
      ok: false,
      error: { code: 'PlatformRefused', reason: 'forbidden' },
    });

    // A viewer sees names and kinds only.
    await join(page, viewerLink, 'Victor Viewer');
    await expect(page.getByText('Signed in as victor@example.org (Viewer)')).toBeVisible();
    const viewerTable = await openConnectorsTab(page);
    const viewerRow = viewerTable.getByRole('row', { name: /Partner drop/ });
    await expect(viewerRow).toContainText('SFTP');
    await expect(viewerRow).not.toContainText('Works');
    await expect(viewerTable.getByRole('button', { name: /Partner drop/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Add a connector' })).toHaveCount(0);
    await shootBoth(page, harness, 'org-connectors-viewer');
    expect(await seriousViolations(page, 'viewer')).toEqual([]);
  });
});
