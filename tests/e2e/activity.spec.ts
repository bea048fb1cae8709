import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { ActivityInput, SyncBinding } from '../../shared/ipc/sync-ipc';
import type { Harness, HarnessOptions } from '../harness/harness';
import { expect, test } from './harness-fixture';

// A renderer built elsewhere (a private build while others use out/); the app's own build by default.
const rendererDir = process.env['FERRY_RENDERER_DIR'];
const options = (extra: HarnessOptions = {}): HarnessOptions => ({ ...(rendererDir ? { rendererDir } : {}), ...extra });

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true, animations: 'disabled' });

const openActivity = async (page: Page, label = 'Activity') => {
  await page
    .getByRole('navigation')
    .getByRole('button', { name: new RegExp(`^${label}$`) })
    .click();
  await expect(page.getByRole('heading', { name: label, level: 2 })).toBeVisible();
};

/** A local folder connector made through the IPC (as the connectors screen does), and a publish binding over it. */
async function publishBinding(page: Page, dir: string): Promise<SyncBinding> {
  const created = await page.evaluate(
    (root) =>
      window.ferry.invoke('connectors.create', { name: 'Sales folder', kind: 'local', options: { root }, secrets: {} }),
    dir,
  );
  expect(created).toMatchObject({ ok: true });
  const connectorId = (created as { value: { id: string } }).value.id;
  const saved = await page.evaluate((binding) => window.ferry.invoke('sync.saveBinding', binding), {
    kind: 'publish' as const,
    id: 'monthly-sales',
    name: 'Monthly sales',
    orgId: 'org-none',
    connectorId,
    // A folder that is not there: the agent's runs stop with a warning (a real entry of its own, sent live).
    folder: 'not-there',
    intervalMinutes: 60,
    enabled: true,
    offerId: 'offer-none',
    include: [],
    exclude: [],
  });
  expect(saved).toMatchObject({ ok: true });
  return (saved as { value: SyncBinding }).value;
}

/** Writes entries into the agent's activity log as its components report them (oldest first). */
function record(harness: Harness, binding: SyncBinding, inputs: readonly Omit<ActivityInput, 'bindingId'>[]) {
  return inputs.map((input) => harness.services.sync.activity.add({ ...input, bindingId: binding.id }, binding.name));
}

const SAMPLE: readonly Omit<ActivityInput, 'bindingId'>[] = [
  { kind: 'published', path: 'q3/summary.csv', size: 2_400_000 },
  { kind: 'skipped', reason: 'deleted-locally', path: 'q3/old-report.csv', size: 1200 },
  { kind: 'warning', reason: 'source-empty' },
  { kind: 'conflict', path: 'q4/report (conflict 2026-12-07).csv', size: 5300 },
  { kind: 'credential-expiry', reason: 'credential-expiring' },
  {
    kind: 'failed',
    path: 'q4/report.csv',
    size: 5300,
    code: 'PermissionDenied',
    message: "EACCES: permission denied, open 'q4/report.csv'",
    hint: 'Give the account read access to the folder.',
  },
];

// The only table of the screen (its name changes with the language).
const rows = (page: Page) => page.getByRole('table').locator('tbody tr');

test.describe('Activity', () => {
  test('empty states, the agent’s entries, filters, live entries, paging, CSV export, in English and French', async ({
    page,
    startApp,
  }) => {
    test.setTimeout(180_000);
    const harness = await startApp(options());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-activity-'));
    try {
      await page.goto(harness.url);
      await openActivity(page);
      // No binding yet: what the agent does and where bindings come from.
      await expect(page.getByRole('heading', { name: 'No bindings yet' })).toBeVisible();
      await expect(page.getByText(/you make one from an offer .* or from an acquisition/)).toBeVisible();
      await expect(page.getByRole('status').getByText('Sync agent · Idle')).toBeVisible();
      await expect(page.getByText('No bindings · Not run yet.')).toBeVisible();
      // Nothing to filter or export yet.
      await expect(page.getByRole('button', { name: 'Export CSV' })).toHaveCount(0);
      await shoot(page, 'activity-no-bindings-en');

      // A binding, nothing run yet: "Nothing has happened yet" with Sync now. The agent is paused meanwhile, so no
      // scheduled run adds entries the checks below do not expect; Sync now lifts the pause.
      harness.services.sync.pauseFor(null);
      const binding = await publishBinding(page, dir);
      await page.reload();
      await openActivity(page);
      await expect(page.getByRole('heading', { name: 'Nothing has happened yet' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Sync now' })).toHaveCount(2);
      await expect(page.getByText('Paused until you resume: nothing is published or delivered.')).toBeVisible();
      await shoot(page, 'activity-nothing-yet-en');

      // The agent's entries, newest first, each with its translated summary, its facts and what to do.
      record(harness, binding, SAMPLE);
      await page.reload();
      await openActivity(page);
      await expect(rows(page)).toHaveCount(SAMPLE.length);
      const ids = await rows(page).evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-activity-id'))));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const failed = rows(page).first();
      await expect(failed).toContainText('Could not publish report.csv');
      await expect(failed.locator('[data-kind="failed"]')).toHaveText('Failed');
      await expect(failed).toContainText('The account may not read or write here');
      await expect(failed).toContainText("EACCES: permission denied, open 'q4/report.csv'");
      await expect(failed).toContainText('What to do: Give the account read access to the folder.');
      await expect(failed).toContainText('Monthly sales · q4/report.csv · 5.3 kB');
      await expect(rows(page).last()).toContainText('Published summary.csv to the offer');
      await expect(rows(page).last()).toContainText('2.4 MB');
      await expect(page.getByText('Skipped old-report.csv: deleted on this computer, not sent again')).toBeVisible();
      await expect(page.getByText('Source folder looks empty: nothing was published; check the folder')).toBeVisible();
      await expect(failed.locator('time')).toHaveText('now');
      await shoot(page, 'activity-en');

      // In French: every word translated, times in French.
      harness.services.settings.set({ language: 'fr' });
      await expect(page.getByRole('heading', { name: 'Activité', level: 2 })).toBeVisible();
      await expect(page.getByText('Impossible de publier report.csv')).toBeVisible();
      await expect(
        page.getByText('Le dossier source semble vide\u202f: rien n’a été publié\u202f; vérifiez le dossier'),
      ).toBeVisible();
      await expect(
        page.getByText('old-report.csv ignoré\u202f: supprimé sur cet ordinateur, pas renvoyé'),
      ).toBeVisible();
      await expect(page.getByText('Que faire\u202f: Give the account read access to the folder.')).toBeVisible();
      await expect(failed.locator('time')).toHaveText('maintenant');
      await expect(
        page.getByText('En pause jusqu’à ce que vous repreniez\u202f: rien n’est publié ni livré.'),
      ).toBeVisible();
      await expect(page.getByText('{{')).toHaveCount(0);
      await shoot(page, 'activity-fr');
      harness.services.settings.set({ language: 'en' });
      await expect(page.getByRole('heading', { name: 'Activity', level: 2 })).toBeVisible();

      // Filters: a kind, then words, then both cleared.
      await page.getByRole('group', { name: 'Kinds of activity' }).getByText('Skipped').click();
      await expect(rows(page)).toHaveCount(1);
      await expect(rows(page).first()).toContainText('deleted on this computer');
      await page.getByRole('group', { name: 'Kinds of activity' }).getByText('Skipped').click();
      await expect(rows(page)).toHaveCount(SAMPLE.length);
      await page.getByRole('searchbox', { name: 'Search path or message' }).fill('q4/');
      await expect(rows(page)).toHaveCount(2);
      await page.getByRole('searchbox', { name: 'Search path or message' }).fill('nothing like this');
      await expect(page.getByText('No activity matches these filters.')).toBeVisible();
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await expect(rows(page)).toHaveCount(SAMPLE.length);
      await expect(page.getByRole('searchbox', { name: 'Search path or message' })).toHaveValue('');

      // Live: Sync now runs the binding; the agent's own entry arrives on top, and the status says there is a problem.
      await page.getByRole('button', { name: 'Sync now' }).click();
      await expect(rows(page)).toHaveCount(SAMPLE.length + 1);
      const run = rows(page).first();
      await expect(run).toContainText('Source folder could not be reached: nothing was published; check the connector');
      await expect(run.locator('[data-kind="warning"]')).toHaveText('Warning');
      // The failing component's code, translated, then its own (English) message.
      await expect(run).toContainText('The file or folder no longer exists. Not found: not-there');
      await expect(page.getByRole('status').getByText('Sync agent · Problem')).toBeVisible();
      await expect(
        page.getByText('Monthly sales: the source folder could not be reached. Details are in the list below.'),
      ).toBeVisible();
      await shoot(page, 'activity-problem-en');
      // An entry announced twice (its event and a page read) is listed once.
      const [late] = record(harness, binding, [{ kind: 'delivered', path: 'inbox/new.csv', size: 10 }]);
      harness.emit('sync.activityAdded', late!);
      harness.emit('sync.activityAdded', late!);
      await expect(rows(page).first()).toContainText('new.csv');
      await expect(rows(page)).toHaveCount(SAMPLE.length + 2);

      // Pause for 8 hours, then resume.
      await page.getByRole('button', { name: 'Pause the sync agent' }).click();
      await page.getByRole('menuitem', { name: 'For 8 hours' }).click();
      await expect(page.getByRole('status').getByText('Sync agent · Paused')).toBeVisible();
      await expect(page.getByText(/^Paused until .+: nothing is published or delivered until then\.$/)).toBeVisible();
      expect(harness.services.sync.status().state).toBe('paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect(page.getByRole('button', { name: 'Pause the sync agent' })).toBeVisible();
      expect(harness.services.sync.status().state).not.toBe('paused');

      // Paging: 100 at first, then "Load older".
      record(
        harness,
        binding,
        Array.from({ length: 120 }, (_, i) => ({ kind: 'published' as const, path: `bulk/file-${i}.csv`, size: i })),
      );
      await page.reload();
      await openActivity(page);
      await expect(rows(page)).toHaveCount(100);
      await expect(rows(page).first()).toContainText('file-119.csv');
      await page.getByRole('button', { name: 'Load older' }).click();
      const total = SAMPLE.length + 2 + 120;
      await expect(rows(page)).toHaveCount(total);
      await expect(page.getByText(`${total} entries shown. That is everything.`)).toBeVisible();
      await expect(page.getByRole('button', { name: 'Load older' })).toHaveCount(0);

      // Export with a filter: only the warnings (the sample's and the agent's own), where the save dialog said; the notification says where and how many.
      await page.getByRole('group', { name: 'Kinds of activity' }).getByText('Warning').click();
      await expect(rows(page)).toHaveCount(2);
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const exported = page.getByText(/^2 entries saved to .+\.csv\.$/);
      await expect(exported).toBeVisible();
      const savedPath = /saved to (.+)\.$/.exec((await exported.textContent()) ?? '')![1]!;
      expect(savedPath.startsWith(path.join(harness.dataDir, 'exports'))).toBe(true);
      const csv = readFileSync(savedPath, 'utf8').trim().split(/\r\n/);
      expect(csv[0]).toBe('time,kind,binding,path,size,reason,code,message,what to do');
      expect(csv).toHaveLength(3);
      expect(csv.slice(1).every((line) => line.includes(',warning,Monthly sales,'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fits 1024×640 without horizontal scroll, is keyboard usable, no serious axe violation in light and dark', async ({
    page,
    startApp,
  }) => {
    test.setTimeout(180_000);
    const harness = await startApp(options());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-activity-'));
    try {
      await page.setViewportSize({ width: 1024, height: 640 });
      await page.goto(harness.url);
      harness.services.sync.pauseFor(null);
      const binding = await publishBinding(page, dir);
      const partner = await page.evaluate((b) => window.ferry.invoke('sync.saveBinding', b), {
        kind: 'deliver' as const,
        id: 'partner',
        name: 'Partner deliveries',
        orgId: 'org-none',
        connectorId: binding.connectorId,
        folder: 'inbox',
        intervalMinutes: 60,
        enabled: true,
        acquisitionId: 'acquisition-none',
        namingPattern: '{offer}/{name}',
      });
      expect(partner).toMatchObject({ ok: true });
      record(harness, (partner as { value: SyncBinding }).value, [
        { kind: 'delivered', path: 'acme/data.csv', size: 99 },
      ]);
      record(harness, binding, [
        ...SAMPLE,
        {
          kind: 'delivered',
          path: 'a/very/long/folder/name/that/keeps/going/and/going/quarterly-report-with-a-long-name-2026-12.csv',
          size: 123_456_789,
        },
      ]);
      await openActivity(page);
      await expect(rows(page)).toHaveCount(SAMPLE.length + 2);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);

      // Keyboard: from the search box, Tab reaches the binding choice; the kind chips toggle with Space.
      const search = page.getByRole('searchbox', { name: 'Search path or message' });
      await search.focus();
      await page.keyboard.type('report');
      await expect(rows(page)).toHaveCount(4);
      await search.fill('');
      await page.getByRole('checkbox', { name: 'Warning' }).focus();
      await page.keyboard.press('Space');
      await expect(rows(page)).toHaveCount(1);
      await page.keyboard.press('Space');
      await expect(rows(page)).toHaveCount(SAMPLE.length + 2);

      // One binding's entries only; "All bindings" shows every one again.
      await page.getByRole('combobox', { name: 'Binding' }).focus();
      await page.keyboard.press('ArrowDown');
      await page.getByRole('option', { name: 'Partner deliveries (Delivers an acquisition)' }).click();
      await expect(rows(page)).toHaveCount(1);
      await expect(rows(page).first()).toContainText('Delivered data.csv to /inbox/acme');

      // Away from the navigation, so no hover state is measured.
      await page.mouse.move(1000, 630);
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
      await shoot(page, 'activity-dark-1024-en');
      await page.getByRole('combobox', { name: 'Binding' }).click();
      await page.getByRole('option', { name: 'All bindings' }).click();
      await expect(rows(page)).toHaveCount(SAMPLE.length + 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
