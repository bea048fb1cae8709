// The Offers screen through the harness with the local workspace's real platform: a one-shot offer filled from this
// computer (resumable upload with progress) and published; a staged subscription fed from an organisation connector
// folder, its next scan previewed, scanned, its pending files approved; axe in both themes; screenshots in en and fr.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { HarnessOptions } from '../harness/harness';
import { expect, test } from './harness-fixture';
import { platformCall } from './platform-call';
import { setLanguage, setUpWorkspace } from './organisation-helpers';

// A renderer built elsewhere (a private build while others use out/); the app's own build by default.
const rendererDir = process.env['FERRY_RENDERER_DIR'];
const options = (): HarnessOptions => (rendererDir ? { rendererDir } : {});

const USUAL = { width: 1200, height: 800 };
const NARROW = { width: 1024, height: 640 };
const SHOTS = path.resolve(__dirname, '../../docs/screenshots');

let root: string;
let computer: string;
let source: string;

test.beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-offers-'));
  computer = path.join(root, 'computer');
  source = path.join(root, 'drop');
  mkdirSync(computer, { recursive: true });
  mkdirSync(path.join(source, 'daily'), { recursive: true });
  writeFileSync(path.join(computer, 'prices-2026.csv'), Buffer.alloc(12_000_000, 'p'));
  writeFileSync(path.join(source, 'daily', 'monday.csv'), 'day,price\nmon,1\n');
  writeFileSync(path.join(source, 'daily', 'tuesday.csv'), 'day,price\ntue,2\n');
  mkdirSync(SHOTS, { recursive: true });
});
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Both sizes of the issue, in the given language, into docs/screenshots. */
async function shoot(page: Page, name: string, lang: 'en' | 'fr'): Promise<void> {
  for (const [size, viewport] of [
    ['1200x800', USUAL],
    ['1024x640', NARROW],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({
      path: path.join(SHOTS, `${name}-${size}-${lang}.png`),
      fullPage: true,
      animations: 'disabled',
    });
  }
  await page.setViewportSize(USUAL);
}

/** Serious or critical axe violations of the page as it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function openOffers(page: Page, name = 'Offers'): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { name, level: 2 })).toBeVisible();
}

async function createOffer(page: Page, title: string, subscription?: { connector: string; folder: string }) {
  await page.getByRole('button', { name: 'New offer' }).click();
  const dialog = page.getByRole('dialog', { name: 'New offer' });
  await dialog.getByLabel('Title').fill(title);
  if (subscription) {
    await dialog.getByText('Subscription', { exact: true }).click();
    await dialog.getByRole('combobox', { name: 'Source' }).click();
    await page.getByRole('option', { name: 'A folder of an organisation connector' }).click();
    await dialog.getByRole('combobox', { name: 'Organisation connector' }).click();
    await page.getByRole('option', { name: new RegExp(subscription.connector) }).click();
    await dialog.getByRole('button', { name: 'Browse…' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose the source folder' });
    await picker.getByRole('button', { name: `Open folder ${subscription.folder}` }).click();
    await picker.getByRole('button', { name: 'Use this folder' }).click();
    await expect(dialog.getByRole('textbox', { name: 'Folder' })).toHaveValue(subscription.folder);
    await dialog.getByRole('switch', { name: /Staging/ }).check();
    await expect(dialog.getByRole('switch', { name: /Staging/ })).toBeChecked();
    await dialog.getByRole('textbox', { name: 'Scan interval (minutes)' }).fill('15');
  }
  await dialog.getByRole('button', { name: 'Create draft' }).click();
  await expect(page.getByRole('heading', { name: title, level: 2 })).toBeVisible();
}

/** An organisation connector over a local folder (the local workspace allows them), made through the IPC seam. */
async function orgFolderConnector(page: Page, name: string, folder: string): Promise<void> {
  const created = await page.evaluate(
    ({ name, folder }) =>
      window.ferry.invoke('orgConnectors.create', { body: { name, kind: 'local', options: { root: folder } } }),
    { name, folder },
  );
  expect(created.ok, JSON.stringify(created)).toBe(true);
}

async function scanNowAndWait(page: Page, count: number): Promise<void> {
  await page.getByRole('tab', { name: 'Source and next scan' }).click();
  await page.getByRole('button', { name: 'Scan now' }).click();
  await page.getByRole('tab', { name: 'Import history' }).click();
  await expect(page.getByRole('button', { name: /^Scan / })).toHaveCount(count);
  await expect(page.getByText('Succeeded')).toHaveCount(count, { timeout: 30_000 });
}

test.describe('Offers', () => {
  test('a one-shot offer: created, a file uploaded from this computer with progress, published; axe-clean', async ({
    page,
    startApp,
  }) => {
    const harness = await startApp(options());
    test.setTimeout(300_000);
    await page.setViewportSize(USUAL);
    await setUpWorkspace(page, harness);
    await openOffers(page);
    await expect(page.getByText(/No offer yet/)).toBeVisible();
    await createOffer(page, 'Prices 2026');
    await expect(page.getByText('Draft', { exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Upload from this computer' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose files and folders to upload' });
    await picker.getByLabel('Folder path').fill(computer);
    await picker.getByRole('button', { name: 'Go' }).click();
    await picker.getByRole('checkbox', { name: 'Select prices-2026.csv' }).check();
    await picker.getByRole('button', { name: 'Upload 1 item' }).click();

    const upload = page.getByRole('listitem', { name: 'prices-2026.csv' });
    await expect(upload.getByRole('progressbar', { name: 'Upload progress of prices-2026.csv' })).toBeVisible();
    await expect(upload.getByText('Done')).toBeVisible({ timeout: 60_000 });
    await expect(upload.getByText(/12 MB of 12 MB/)).toBeVisible();
    await expect(upload.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    const files = page.getByRole('table', { name: 'Files of the offer' });
    await expect(files.getByRole('row', { name: /prices-2026\.csv/ })).toContainText('Uploaded');

    await page.getByRole('button', { name: 'Publish' }).click();
    const confirm = page.getByRole('dialog', { name: 'Publish this offer?' });
    await confirm.getByRole('button', { name: 'Publish' }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByText('Published', { exact: true }).first()).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'offers-one-shot', 'en');

    // Buyers: none at first (the empty state says how they come), then another organisation acquires the offer.
    await page.getByRole('tab', { name: 'Buyers' }).click();
    await expect(page.getByText(/No organisation has acquired this offer yet/)).toBeVisible();
    const { orgId } = await harness.services.platform.active();
    const listed = (await platformCall(harness, 'GET', `/v1/orgs/${orgId}/offers`)) as {
      items: { id: string; title: string }[];
    };
    const offerId = listed.items.find((o) => o.title === 'Prices 2026')!.id;
    const buyer = (await platformCall(harness, 'POST', '/v1/orgs', { name: 'Buyer Co' })) as { id: string };
    await platformCall(harness, 'POST', `/v1/orgs/${buyer.id}/acquisitions`, { offerId });
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.getByRole('tab', { name: 'Buyers' }).click();
    const buyers = page.getByRole('table', { name: 'Buyers of this offer' });
    const buyerRow = buyers.getByRole('row', { name: /Buyer Co/ });
    await expect(buyerRow).toContainText('One-shot');
    await expect(buyerRow).toContainText('Active');
    await expect(buyerRow.getByRole('cell', { name: '1', exact: true })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'offers-buyers', 'en');

    await page.getByRole('button', { name: 'All offers' }).click();
    const offers = page.getByRole('table', { name: 'Offers' });
    await expect(offers.getByRole('row', { name: /Prices 2026/ })).toContainText('Published');
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'offers-list', 'en');

    harness.services.settings.set({ theme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    expect(await seriousViolations(page)).toEqual([]);
    harness.services.settings.set({ theme: 'light' });

    await setLanguage(page, harness, 'fr');
    await expect(page.getByRole('heading', { name: 'Offres', level: 2 })).toBeVisible();
    await shoot(page, 'offers-list', 'fr');
    await page.getByRole('button', { name: "Ouvrir l'offre Prices 2026" }).click();
    await expect(page.getByRole('heading', { name: 'Prices 2026', level: 2 })).toBeVisible();
    await shoot(page, 'offers-one-shot', 'fr');
    await page.getByRole('tab', { name: 'Acheteurs' }).click();
    await expect(
      page.getByRole('table', { name: 'Acheteurs de cette offre' }).getByRole('row', { name: /Buyer Co/ }),
    ).toContainText('Active');
    await shoot(page, 'offers-buyers', 'fr');
  });

  test('a staged subscription from an organisation connector: preview, scan now, approve pending files', async ({
    page,
    startApp,
  }) => {
    const harness = await startApp(options());
    test.setTimeout(400_000);
    await page.setViewportSize(USUAL);
    await setUpWorkspace(page, harness);
    await orgFolderConnector(page, 'Survey drop', source);
    await openOffers(page);
    await page.getByRole('button', { name: 'New offer' }).click();
    const dialog = page.getByRole('dialog', { name: 'New offer' });
    await dialog.getByText('Subscription', { exact: true }).click();
    await expect(dialog.getByText('Staging', { exact: true })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'offers-create-dialog', 'en');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await createOffer(page, 'Daily survey', { connector: 'Survey drop', folder: 'daily' });
    await expect(page.getByText('Survey drop, folder daily')).toBeVisible();

    // The first look only records the files; a dry run says they wait to be stable.
    await page.getByRole('tab', { name: 'Source and next scan' }).click();
    await page.getByRole('button', { name: 'Preview the next scan' }).click();
    await expect(page.getByText('2 files wait to be stable')).toBeVisible();
    await scanNowAndWait(page, 1);
    await page.getByRole('tab', { name: 'Source and next scan' }).click();
    await page.getByRole('button', { name: 'Preview the next scan' }).click();
    await expect(page.getByText('Would add 2 files')).toBeVisible();
    const willAdd = page.getByRole('list', { name: 'Files the next scan would add' });
    await expect(willAdd).toContainText('monday.csv');
    await expect(willAdd).toContainText('tuesday.csv');
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'offers-scan-preview', 'en');

    await scanNowAndWait(page, 2);
    await page
      .getByRole('button', { name: /^Scan / })
      .first()
      .click();
    await expect(page.getByText('Added 2 files')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'offers-import-history', 'en');

    await page.getByRole('tab', { name: /Pending/ }).click();
    const pending = page.getByRole('table', { name: 'Pending files' });
    await expect(pending.getByRole('row')).toHaveCount(3);
    await pending.getByRole('checkbox', { name: 'Select monday.csv' }).check();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'offers-pending', 'en');
    await page.getByRole('button', { name: 'Approve 1 file' }).click();
    await expect(pending.getByRole('row')).toHaveCount(2);
    await pending.getByRole('checkbox', { name: 'Select tuesday.csv' }).check();
    await page.getByRole('button', { name: 'Reject 1 file' }).click();
    await expect(page.getByText('No file waits for approval.')).toBeVisible();

    await page.getByRole('tab', { name: 'Files' }).click();
    const files = page.getByRole('table', { name: 'Files of the offer' });
    await expect(files.getByRole('row', { name: /monday\.csv/ })).toContainText('Available');
    await expect(files.getByRole('row', { name: /tuesday\.csv/ })).toContainText('Removed');

    await setLanguage(page, harness, 'fr');
    await page.getByRole('tab', { name: 'Source et prochain parcours' }).click();
    await page.getByRole('button', { name: 'Prévisualiser le prochain parcours' }).click();
    await expect(page.getByText(/2\u202ffichiers ont déjà été pris|2 fichiers ont déjà été pris/)).toBeVisible();
    await shoot(page, 'offers-scan-preview', 'fr');
    await page.getByRole('tab', { name: 'Historique des imports' }).click();
    await page
      .getByRole('button', { name: /^Parcours / })
      .first()
      .click();
    await shoot(page, 'offers-import-history', 'fr');
    await page.getByRole('button', { name: 'Toutes les offres' }).click();
    await page.getByRole('button', { name: 'Nouvelle offre' }).click();
    await page.getByRole('dialog', { name: 'Nouvelle offre' }).getByText('Abonnement', { exact: true }).click();
    await shoot(page, 'offers-create-dialog', 'fr');
  });

  test('a viewer sees the offers but no action to change them', async ({ page, startApp }) => {
    const harness = await startApp(options());
    await page.setViewportSize(USUAL);
    await setUpWorkspace(page, harness);
    await viewerSession(page);
    await openOffers(page);
    await expect(page.getByText(/You are a viewer/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'New offer' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Open offer Shared prices' }).click();
    await expect(page.getByRole('heading', { name: 'Shared prices', level: 2 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Publish' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Upload from this computer' })).toHaveCount(0);
  });
});

/** An editor-made offer, then the app signed in as a viewer of the same organisation (invited and accepted). */
async function viewerSession(page: Page): Promise<void> {
  const offer = await page.evaluate(() =>
    window.ferry.invoke('offers.create', { body: { title: 'Shared prices', kind: 'one-shot' } }),
  );
  expect(offer.ok).toBe(true);
  const invited = await page.evaluate(() =>
    window.ferry.invoke('invitations.create', {
      email: 'vera@example.org',
      role: 'viewer',
      language: 'en',
    }),
  );
  expect(invited.ok, JSON.stringify(invited)).toBe(true);
  const link = (invited as { value: { link: string } }).value.link;
  const accepted = await page.evaluate(
    (link) =>
      window.ferry.invoke('platform.acceptInvitation', {
        link,
        name: 'Vera Viewer',
        password: 'correct horse battery',
      }),
    link,
  );
  expect(accepted.ok, JSON.stringify(accepted)).toBe(true);
  await page.reload();
}
