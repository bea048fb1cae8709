import AxeBuilder from '@axe-core/playwright';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';
import { expect, test } from './harness-fixture';

const ENTRIES = 100_000;
const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

let big: string;
let sshd: SshdServer | undefined;

test.beforeAll(async () => {
  big = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-100k-'));
  const started = performance.now();
  for (let i = 0; i < ENTRIES; i++) closeSync(openSync(path.join(big, `f${String(i).padStart(6, '0')}`), 'w'));
  console.log(`created ${ENTRIES} empty files in ${Math.round(performance.now() - started)} ms`);
  if (sshdAvailable.available) sshd = await startSshd();
});
test.afterAll(async () => {
  rmSync(big, { recursive: true, force: true });
  await sshd?.dispose();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true, animations: 'disabled' });

async function openBrowser(page: Page, nav = 'Browser') {
  await page.getByRole('navigation').getByRole('button', { name: nav }).click();
  await expect(
    page.getByRole('heading', { name: nav === 'Browser' ? 'Browser' : 'Explorateur', level: 2 }),
  ).toBeVisible();
}

async function chooseConnector(page: Page, name: string) {
  await page.getByRole('combobox', { name: /Connector|Connecteur/ }).click();
  await page.getByRole('option', { name }).click();
}

const renderedRows = (page: Page) => page.getByTestId('file-list').locator('[data-row]').count();

test.describe('File browser', () => {
  test('a 100,000-entry folder shows its first page at once and renders only visible rows', async ({
    page,
    harness,
  }, testInfo) => {
    await harness.services.connectors.create({
      name: 'Big folder',
      kind: 'local',
      options: { root: big },
      secrets: {},
    });
    await page.goto(harness.url);
    await openBrowser(page);
    await expect(page.getByText('Choose what to browse')).toBeVisible();
    await shot(page, 'browser-empty-en');

    const list = page.getByTestId('file-list');
    const started = Date.now();
    await chooseConnector(page, 'Big folder');
    await expect(list.locator('[data-row="0"]')).toContainText('f000000');
    const firstPageMs = Date.now() - started;
    const rowsAtFirstPage = await renderedRows(page);

    // Scrolling down loads further pages from main, which reads further pages from the driver.
    const scrollStarted = Date.now();
    for (let i = 0; i < 8; i++) {
      await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await page.waitForTimeout(150);
    }
    await expect(list.locator('[data-row]').last()).toContainText(/f00[0-9]{4}/);
    const scrolledMs = Date.now() - scrollStarted;
    const rowsAfterScroll = await renderedRows(page);
    const status = await page.getByTestId('listing-status').textContent();

    // Any other order reads the whole folder, then shows the first page of the sorted listing.
    const sortStarted = Date.now();
    await page.getByRole('button', { name: /^Name, sorted ascending/ }).click(); // name, descending
    await expect(list.locator('[data-row="0"]')).toContainText('f099999', { timeout: 30_000 });
    const sortedMs = Date.now() - sortStarted;
    await expect(page.getByTestId('listing-status')).toHaveText('100,000 items');
    const rowsSorted = await renderedRows(page);

    const filterStarted = Date.now();
    await page.getByRole('textbox', { name: 'Filter by name' }).fill('f09999');
    await expect(page.getByTestId('listing-status')).toHaveText('10 items');
    const filteredMs = Date.now() - filterStarted;
    await expect(list.locator('[data-row]')).toHaveCount(10);

    // Keyboard multi-select: focus the list, extend the selection with Shift+Down.
    await list.focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await expect(list.locator('[aria-selected="true"]')).toHaveCount(3);
    await expect(page.getByRole('button', { name: 'Download (3)' })).toBeEnabled();
    await list.locator('[data-row="5"]').click({ modifiers: ['Control'] });
    await expect(list.locator('[aria-selected="true"]')).toHaveCount(4);

    const measured = {
      entries: ENTRIES,
      firstPageMs,
      rowsAtFirstPage,
      scrolledMs,
      rowsAfterScroll,
      statusAfterScroll: status,
      sortedWholeFolderMs: sortedMs,
      rowsSorted,
      filteredMs,
    };
    console.log(`browser 100k measurements: ${JSON.stringify(measured)}`);
    await testInfo.attach('browser-100k-measurements', {
      body: JSON.stringify(measured, null, 2),
      contentType: 'application/json',
    });
    expect(rowsAtFirstPage).toBeLessThan(200);
    expect(rowsAfterScroll).toBeLessThan(200);
    expect(rowsSorted).toBeLessThan(200);
    await shot(page, 'browser-100k-en');
  });

  test('download the selection from SFTP to a local folder and upload a local file, through the transfer queue', async ({
    page,
    harness,
  }) => {
    test.skip(!sshdAvailable.available, sshdAvailable.available ? '' : sshdAvailable.reason);
    const server = sshd!;
    const payload = randomBytes(300_000);
    writeFileSync(path.join(server.root, 'report.bin'), payload);
    writeFileSync(path.join(server.root, 'notes.txt'), 'Quarterly figures\nline 2\n');
    const local = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-local-'));
    const downloads = path.join(local, 'downloads');
    mkdirSync(downloads);
    const upload = randomBytes(123_457);
    writeFileSync(path.join(local, 'to-upload.bin'), upload);
    await harness.services.connectors.create({
      name: 'Partner SFTP',
      kind: 'sftp',
      options: {
        host: server.host,
        port: server.port,
        username: server.user.name,
        hostKeyFingerprint: server.hostKeyFingerprint,
        root: server.root,
      },
      secrets: { password: server.user.password },
      acceptSessionSecrets: true,
    });
    await page.goto(harness.url);
    await openBrowser(page);
    await chooseConnector(page, 'Partner SFTP');
    const list = page.getByTestId('file-list');
    await list.getByRole('option', { name: /notes\.txt/ }).click();
    await expect(page.getByTestId('text-preview')).toContainText('Quarterly figures');
    await list.getByRole('option', { name: /report\.bin/ }).click({ modifiers: ['Shift'] });
    await expect(list.locator('[aria-selected="true"]')).toHaveCount(2);

    // Download: choose the local folder inside the app (the local disk browsed like a connector).
    await page.getByRole('button', { name: 'Download (2)' }).click();
    const dialog = page.getByRole('dialog');
    const walk = async (absolute: string) => {
      await dialog.getByRole('button', { name: 'This computer' }).click();
      for (const segment of absolute.split('/').filter(Boolean)) {
        await dialog.getByRole('textbox', { name: 'Filter by name' }).fill(segment);
        await dialog.getByRole('button', { name: segment, exact: true }).click();
      }
    };
    await walk(downloads);
    await shot(page, 'browser-download-picker-en');
    await dialog.getByRole('button', { name: 'Download here' }).click();
    await expect(page.getByText('2 transfers added to the queue')).toBeVisible();
    await expect.poll(() => existsSync(path.join(downloads, 'report.bin')), { timeout: 30_000 }).toBe(true);
    await expect
      .poll(() => readFileSync(path.join(downloads, 'report.bin')).equals(payload), { timeout: 30_000 })
      .toBe(true);
    await expect.poll(() => existsSync(path.join(downloads, 'notes.txt')), { timeout: 30_000 }).toBe(true);

    // Upload: pick a local file; it lands in the folder being browsed, on the server's disk.
    await page.getByRole('button', { name: 'Upload' }).click();
    await walk(local);
    await dialog.getByRole('checkbox', { name: 'Select to-upload.bin' }).check();
    await shot(page, 'browser-upload-picker-en');
    await dialog.getByRole('button', { name: 'Upload (1)' }).click();
    await expect
      .poll(
        () =>
          existsSync(path.join(server.root, 'to-upload.bin')) &&
          readFileSync(path.join(server.root, 'to-upload.bin')).equals(upload),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    rmSync(local, { recursive: true, force: true });
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`the browser and connectors screens have no serious accessibility violation (${theme})`, async ({
      page,
      harness,
    }) => {
      harness.services.settings.set({ theme });
      await harness.services.connectors.create({
        name: 'Big folder',
        kind: 'local',
        options: { root: big },
        secrets: {},
      });
      await page.goto(harness.url);
      await openBrowser(page);
      await chooseConnector(page, 'Big folder');
      await expect(page.getByTestId('file-list').locator('[data-row="0"]')).toContainText('f000000');
      await page.getByTestId('file-list').locator('[data-row="0"]').click();
      await expect(page.getByTestId('details')).toBeVisible();
      const check = async () => {
        await page.mouse.move(700, 30); // hover styles are not the resting state axe should judge
        const results = await new AxeBuilder({ page }).analyze();
        return results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      };
      expect(await check()).toEqual([]);
      await page.getByRole('navigation').getByRole('button', { name: 'Connectors' }).click();
      await expect(page.getByRole('heading', { name: 'My connectors', level: 2 })).toBeVisible();
      expect(await check()).toEqual([]);
      await page.getByRole('button', { name: 'Add a connector' }).click();
      await page.getByRole('button', { name: 'Save and test' }).click();
      expect(await check()).toEqual([]);
      if (theme === 'light') {
        harness.services.settings.set({ language: 'fr' });
        await expect(page.getByRole('heading', { name: 'Mes connecteurs', level: 2 })).toBeVisible();
        await shot(page, 'connectors-form-validation-fr');
        await openBrowser(page, 'Explorateur');
        await shot(page, 'browser-100k-fr');
      }
    });
  }
});
