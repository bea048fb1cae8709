import AxeBuilder from '@axe-core/playwright';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { expect, test } from './harness-fixture';

const MiB = 1024 * 1024;

/** A local folder connector made through the IPC (as the connectors screen does) plus a download folder. */
async function prepare(page: Page, harness: Harness, files: Record<string, number>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-transfers-'));
  const root = path.join(dir, 'exchange');
  const downloads = path.join(dir, 'downloads');
  mkdirSync(root);
  mkdirSync(downloads);
  const contents = new Map<string, Buffer>();
  for (const [name, size] of Object.entries(files)) {
    const data = randomBytes(size);
    writeFileSync(path.join(root, name), data);
    contents.set(name, data);
  }
  const created = await page.evaluate(
    (options) =>
      window.ferry.invoke('connectors.create', { name: 'Exchange folder', kind: 'local', options, secrets: {} }),
    { root },
  );
  expect(created).toMatchObject({ ok: true });
  const connectorId = (created as { value: { id: string } }).value.id;
  const destination = harness.services.locations.localLocation(downloads);
  const enqueue = async (name: string) => {
    const result = await page.evaluate((input) => window.ferry.invoke('transfers.enqueue', input), {
      sources: [{ connectorId, path: name }],
      destination,
    });
    expect(result).toMatchObject({ ok: true });
  };
  return { dir, downloads, contents, enqueue };
}

const openTransfers = async (page: Page, label = 'Transfers') => {
  await page
    .getByRole('navigation')
    .getByRole('button', { name: new RegExp(label) })
    .click();
  await expect(page.getByRole('heading', { name: label, level: 2 })).toBeVisible();
};

const row = (page: Page, name: string) => page.getByRole('row', { name });

test.describe('Transfers', () => {
  test('a download shows progress, speed and time left; pause, resume, cancel, retry; the batch notifies', async ({
    page,
    harness,
    startApp,
  }) => {
    await page.goto(harness.url);
    await openTransfers(page);
    await expect(page.getByRole('heading', { name: 'No transfers yet' })).toBeVisible();
    await expect(page.getByText(/open the Browser, select files or folders and choose Download/)).toBeVisible();
    await page.screenshot({
      path: 'test-results/screenshots/transfers-empty-en.png',
      fullPage: true,
      animations: 'disabled',
    });

    // Limits from the screen: main applies them at once.
    await page.getByRole('switch', { name: 'Limit bandwidth' }).click();
    const rate = page.getByRole('textbox', { name: 'Bandwidth limit (MB/s)' });
    await rate.fill('1');
    await expect.poll(() => harness.services.transfers.limits().bandwidthBytesPerSecond).toBe(1_000_000);
    const concurrency = page.getByRole('textbox', { name: 'Transfers at once' });
    await concurrency.fill('2');
    await expect.poll(() => harness.services.transfers.limits().concurrency).toBe(2);

    // At 1 MB/s shared, these take at least 48 s: ample time to act on them while they run, even on a loaded machine.
    const setup = await prepare(page, harness, { 'survey-2025.csv': 24 * MiB, 'archive.bin': 24 * MiB });
    try {
      await setup.enqueue('survey-2025.csv');
      await setup.enqueue('archive.bin');
      const survey = row(page, 'survey-2025.csv');
      const archive = row(page, 'archive.bin');
      await expect(survey.getByText('Running')).toBeVisible();
      await expect(survey.getByText(/\d+(\.\d)? (kB|MB)\/s/)).toBeVisible();
      await expect(survey.getByText(/^\d+ (s|min \d\d s)$/)).toBeVisible();
      await expect(survey.getByRole('progressbar', { name: 'Progress of survey-2025.csv' })).toBeVisible();
      await expect(survey.getByText(/of 25\.2 MB · \d+ %/)).toBeVisible();
      await page.screenshot({
        path: 'test-results/screenshots/transfers-en.png',
        fullPage: true,
        animations: 'disabled',
      });

      // Cancel one: its partial goes away; it can be retried later.
      await archive.getByRole('button', { name: 'Cancel archive.bin' }).click();
      await expect(archive.getByText('Cancelled')).toBeVisible();
      await expect(archive.getByRole('button', { name: 'Retry archive.bin' })).toBeVisible();

      // Pause and resume the other.
      await survey.getByRole('button', { name: 'Pause survey-2025.csv' }).click();
      await expect(survey.getByText('Paused')).toBeVisible();
      const pausedAt = harness.services.transfers.list().find((t) => t.name === 'survey-2025.csv')!.bytes;
      expect(pausedAt).toBeGreaterThan(0);
      await survey.getByRole('button', { name: 'Resume survey-2025.csv' }).click();
      await expect(survey.getByText('Running')).toBeVisible();

      // Lifting the limit speeds the running transfer up; it ends verified and the batch notifies.
      await page.getByRole('switch', { name: 'Limit bandwidth' }).click();
      await expect.poll(() => harness.services.transfers.limits().bandwidthBytesPerSecond).toBeNull();
      await expect(survey.getByText('Done')).toBeVisible({ timeout: 30_000 });
      // Paused and resumed: the partial's first bytes were never hashed, so both files were read back.
      await expect(survey.getByText('Verified, both files read back (sha256)')).toBeVisible();
      expect(
        readFileSync(path.join(setup.downloads, 'survey-2025.csv')).equals(setup.contents.get('survey-2025.csv')!),
      ).toBe(true);
      await expect.poll(() => harness.notifications.length).toBe(1);
      expect(harness.notifications[0]).toMatchObject({
        kind: 'batch-completed',
        title: 'Transfers finished',
        body: '"survey-2025.csv" was transferred and verified.',
      });

      // Retry the cancelled one: it completes too, with its own notification.
      await archive.getByRole('button', { name: 'Retry archive.bin' }).click();
      await expect(archive.getByText('Done')).toBeVisible({ timeout: 30_000 });
      await expect.poll(() => harness.notifications.length).toBe(2);
      expect(readFileSync(path.join(setup.downloads, 'archive.bin')).equals(setup.contents.get('archive.bin')!)).toBe(
        true,
      );

      // In French.
      harness.services.settings.set({ language: 'fr' });
      await expect(page.getByRole('heading', { name: 'Transferts', level: 2 })).toBeVisible();
      await expect(survey.getByText('Terminé')).toBeVisible();
      await page.screenshot({
        path: 'test-results/screenshots/transfers-fr.png',
        fullPage: true,
        animations: 'disabled',
      });

      // The queue survives a restart of the app; then clear the finished transfers.
      await harness.stop();
      const restarted = await startApp({ dataDir: harness.dataDir });
      await page.goto(restarted.url);
      await openTransfers(page, 'Transferts');
      await expect(row(page, 'survey-2025.csv').getByText('Terminé')).toBeVisible();
      await page.getByRole('button', { name: 'Effacer les terminés' }).click();
      await expect(page.getByRole('heading', { name: 'Aucun transfert pour l’instant' })).toBeVisible();
      await page.screenshot({
        path: 'test-results/screenshots/transfers-empty-fr.png',
        fullPage: true,
        animations: 'disabled',
      });
    } finally {
      rmSync(setup.dir, { recursive: true, force: true });
    }
  });

  test('a failed transfer says what to do, in both themes without serious accessibility violations', async ({
    page,
    harness,
  }) => {
    await page.goto(harness.url);
    await openTransfers(page);
    const setup = await prepare(page, harness, { 'ok.csv': 1000 });
    try {
      await setup.enqueue('ok.csv');
      await setup.enqueue('missing.csv');
      await expect(row(page, 'missing.csv').getByText('Failed')).toBeVisible();
      await expect(row(page, 'missing.csv').getByText(/no longer exists\. Check the path, then retry\./)).toBeVisible();
      await expect(row(page, 'ok.csv').getByText('Done')).toBeVisible();
      await expect
        .poll(() => harness.notifications.map((n) => n.kind).sort())
        .toEqual(['batch-completed', 'batch-failed']);
      // Away from the navigation, so no hover state is measured.
      await page.mouse.move(600, 790);
      for (const theme of ['light', 'dark'] as const) {
        harness.services.settings.set({ theme });
        await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', theme);
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ') + ' ' + n.any.map((a) => a.message).join(';')).join(', ')})`,
          );
        expect(serious).toEqual([]);
      }
      await page.screenshot({
        path: 'test-results/screenshots/transfers-failed-dark-en.png',
        fullPage: true,
        animations: 'disabled',
      });
    } finally {
      rmSync(setup.dir, { recursive: true, force: true });
    }
  });
});
