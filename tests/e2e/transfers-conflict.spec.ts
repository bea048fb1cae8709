import AxeBuilder from '@axe-core/playwright';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { expect, test } from './harness-fixture';

/** A local folder connector with the files, a download folder, and a batch download of several names at once. */
async function prepare(page: Page, harness: Harness, files: Record<string, Buffer>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-conflicts-'));
  const root = path.join(dir, 'exchange');
  const downloads = path.join(dir, 'downloads');
  mkdirSync(root);
  mkdirSync(downloads);
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(root, name), data);
  const created = await page.evaluate(
    (options) =>
      window.ferry.invoke('connectors.create', { name: 'Exchange folder', kind: 'local', options, secrets: {} }),
    { root },
  );
  expect(created).toMatchObject({ ok: true });
  const connectorId = (created as { value: { id: string } }).value.id;
  const destination = harness.services.locations.localLocation(downloads);
  const download = async (...names: string[]) => {
    const result = await page.evaluate((input) => window.ferry.invoke('transfers.enqueue', input), {
      sources: names.map((name) => ({ connectorId, path: name })),
      destination,
    });
    expect(result).toMatchObject({ ok: true });
  };
  return { dir, downloads, download };
}

const openTransfers = async (page: Page, label = 'Transfers') => {
  await page
    .getByRole('navigation')
    .getByRole('button', { name: new RegExp(label) })
    .click();
  await expect(page.getByRole('heading', { name: label, level: 2 })).toBeVisible();
};

const row = (page: Page, name: string) => page.getByRole('row', { name });

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test.describe('Transfers: files already at the destination', () => {
  test('asks before overwriting, skips identical files, applies one answer to the batch, in English and French', async ({
    page,
    harness,
  }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.goto(harness.url);
    await openTransfers(page);
    const report = Buffer.from('id;value\n1;incoming\n2;incoming\n');
    const notes = randomBytes(3000);
    const same = randomBytes(5000);
    const setup = await prepare(page, harness, { 'report.csv': report, 'notes.txt': notes, 'same.bin': same });
    try {
      writeFileSync(path.join(setup.downloads, 'report.csv'), 'id;value\n1;mine\n');
      writeFileSync(path.join(setup.downloads, 'notes.txt'), 'my notes');
      writeFileSync(path.join(setup.downloads, 'same.bin'), same);
      await setup.download('report.csv', 'notes.txt', 'same.bin');

      // The identical file is skipped without a question; the two others wait, writing nothing.
      await expect(row(page, 'same.bin').getByText('Done')).toBeVisible();
      await expect(row(page, 'same.bin').getByText('Already there, identical: nothing copied')).toBeVisible();
      await expect(row(page, 'report.csv').getByText('To decide')).toBeVisible();
      await expect(row(page, 'notes.txt').getByText('To decide')).toBeVisible();
      await expect(page.getByText('2 transfers wait for your answer before they write anything.')).toBeVisible();
      expect(readFileSync(path.join(setup.downloads, 'report.csv'), 'utf8')).toBe('id;value\n1;mine\n');

      // The dialog: both files, the answers, "apply to all"; Escape closes it and gives focus back to its opener.
      const opener = row(page, 'report.csv').getByRole('button', { name: 'Choose what to do with report.csv' });
      await opener.click();
      const dialog = page.getByRole('dialog', { name: 'A file with this name already exists' });
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole('region', { name: 'Already there' })).toContainText('Size: 16 bytes');
      await expect(dialog.getByRole('region', { name: 'Incoming' })).toContainText(`Size: ${report.length} bytes`);
      await expect(dialog.getByRole('radio', { name: 'Keep both' })).toBeChecked();
      await expect(dialog.getByRole('radio', { name: 'Overwrite' })).toBeVisible();
      await expect(dialog.getByRole('radio', { name: 'Skip' })).toBeVisible();
      // Not a shorter copy of the incoming file: no resume.
      await expect(dialog.getByRole('radio', { name: 'Resume' })).toHaveCount(0);
      await expect(dialog.getByText(/like report \(2\)\.csv/)).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({
        path: 'test-results/screenshots/transfers-conflict-en.png',
        fullPage: true,
        animations: 'disabled',
      });
      // The small window (1024x640) the issue asks for: the dialog scrolls, nothing is cut.
      await page.setViewportSize({ width: 1024, height: 640 });
      await expect(dialog.getByRole('button', { name: 'Confirm' })).toBeInViewport({ ratio: 1 });
      await page.screenshot({
        path: 'test-results/screenshots/transfers-conflict-1024-en.png',
        animations: 'disabled',
      });
      await page.setViewportSize({ width: 1200, height: 800 });
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(opener).toBeFocused();
      await expect(row(page, 'report.csv').getByText('To decide')).toBeVisible();

      // By keyboard: open again, pick Overwrite with the arrow keys, tick "apply to all", confirm.
      await opener.press('Enter');
      await expect(dialog).toBeVisible();
      await dialog.getByRole('radio', { name: 'Keep both' }).focus();
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      await expect(dialog.getByRole('radio', { name: 'Overwrite' })).toBeChecked();
      await dialog.getByRole('checkbox', { name: 'Apply to all in this batch' }).press('Space');
      await dialog.getByRole('button', { name: 'Confirm' }).press('Enter');
      await expect(dialog).toBeHidden();
      for (const name of ['report.csv', 'notes.txt']) {
        await expect(row(page, name).getByText('Done')).toBeVisible();
        await expect(row(page, name).getByText('Replaced the existing file')).toBeVisible();
      }
      expect(readFileSync(path.join(setup.downloads, 'report.csv')).equals(report)).toBe(true);
      expect(readFileSync(path.join(setup.downloads, 'notes.txt')).equals(notes)).toBe(true);

      // In French, a new batch: keep both, never replacing.
      writeFileSync(path.join(setup.downloads, 'report.csv'), 'id;value\n1;mine again\n');
      harness.services.settings.set({ language: 'fr' });
      await expect(page.getByRole('heading', { name: 'Transferts', level: 2 })).toBeVisible();
      await setup.download('report.csv');
      await expect(page.getByText('1 transfert attend votre réponse avant d’écrire quoi que ce soit.')).toBeVisible();
      await page.getByRole('button', { name: 'Répondre' }).click();
      const dialogFr = page.getByRole('dialog', { name: 'Un fichier de ce nom existe déjà' });
      await expect(dialogFr).toBeVisible();
      await expect(dialogFr.getByRole('region', { name: 'Déjà présent' })).toContainText(/Taille\s?:\s?22/);
      await expect(dialogFr.getByRole('radio', { name: 'Conserver les deux' })).toBeChecked();
      await page.screenshot({
        path: 'test-results/screenshots/transfers-conflict-fr.png',
        fullPage: true,
        animations: 'disabled',
      });
      await dialogFr.getByRole('button', { name: 'Confirmer' }).click();
      await expect(dialogFr).toBeHidden();
      await expect(
        page.getByText('Enregistré à côté du fichier existant sous le nom report (2).csv').first(),
      ).toBeVisible();
      expect(readFileSync(path.join(setup.downloads, 'report.csv'), 'utf8')).toBe('id;value\n1;mine again\n');
      expect(readFileSync(path.join(setup.downloads, 'report (2).csv')).equals(report)).toBe(true);
      expect(readdirSync(setup.downloads).sort()).toEqual(['notes.txt', 'report (2).csv', 'report.csv', 'same.bin']);
    } finally {
      rmSync(setup.dir, { recursive: true, force: true });
    }
  });
});
