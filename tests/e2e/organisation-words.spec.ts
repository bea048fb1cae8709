// IDs and names, and the audit log in words: every ID has a copy button and an optional column; owners, actors and
// targets show names with their ID in a tooltip; audit events read as sentences in English and French, filtered by
// action, actor and dates typed in the UI language, and cleared; the API-key secret dialog waits for "I stored it";
// an expiry of 0 days is refused.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { setLanguage, setUpWorkspace } from './organisation-helpers';
import { expect, test } from './harness-fixture';

const SHOTS = path.resolve(__dirname, '../../docs/screenshots');
const SIZES = { '1200x800': { width: 1200, height: 800 }, '1024x640': { width: 1024, height: 640 } } as const;

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** Calls main through the page's bridge (as the renderer does) and returns the value, failing on an error. */
async function call<T>(page: Page, method: string, input: unknown): Promise<T> {
  const result = (await page.evaluate(([m, i]) => window.ferry.invoke(m as string, i), [method, input] as const)) as {
    ok: boolean;
    value: T;
    error?: unknown;
  };
  expect(result.ok, JSON.stringify(result.error)).toBe(true);
  return result.value;
}

const tab = (page: Page, name: string) => page.getByRole('tab', { name }).click();

/** A day as the English UI types it (mm/dd/yyyy), `offset` days from today. */
function enDay(offset: number): string {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${String(d.getMonth() + 1).padStart(2, '0')}/${String(d.getDate()).padStart(2, '0')}/${d.getFullYear()}`;
}

/** Shows an optional column from the table's Columns menu. */
async function showColumn(page: Page, column: string): Promise<void> {
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('checkbox', { name: column }).check();
  await page.keyboard.press('Escape');
}

/** Picks an option of a Mantine select named `label`, typing to search it. */
async function pick(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option }).click();
}

/** The ID tooltip a name shows on hover (a copy button's "Copied" may still show beside it). */
async function tooltipOf(page: Page, name: Locator): Promise<string> {
  await name.hover();
  const tooltip = page.getByRole('tooltip').filter({ hasText: /^(ID|Identifiant)\b/ });
  await expect(tooltip).toBeVisible();
  const text = (await tooltip.textContent()) ?? '';
  await page.mouse.move(0, 0);
  await expect(tooltip).toHaveCount(0);
  return text;
}

/** Marie joins (invited as an editor, accepting through the platform's public endpoint); her member ID. */
async function marieJoins(page: Page): Promise<string> {
  const invitation = await call<{ link: string }>(page, 'invitations.create', {
    email: 'marie@example.org',
    role: 'editor',
    language: 'fr',
  });
  const url = new URL(invitation.link);
  const accepted = await fetch(`${url.origin}/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: url.searchParams.get('token'),
      name: 'Marie Curie',
      password: 'radium polonium 1898',
    }),
  });
  expect(accepted.status).toBe(201);
  return ((await accepted.json()) as { user: { id: string } }).user.id;
}

async function shootAudit(page: Page, harness: Harness): Promise<void> {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    for (const lang of ['en', 'fr'] as const) {
      await setLanguage(page, harness, lang);
      await expect(page.getByTestId('audit-sentence').first()).toBeVisible();
      await page.screenshot({
        path: path.join(SHOTS, `organisation-audit-${size}-${lang}.png`),
        animations: 'disabled',
      });
    }
  }
  await page.setViewportSize(SIZES['1200x800']);
  await setLanguage(page, harness, 'en');
}

test.describe('Organisation: IDs, names and the audit log in words', () => {
  test('the audit log says who did what in both languages; filters narrow it and clear; IDs copy; names show IDs', async ({
    page,
    harness,
    context,
  }) => {
    test.setTimeout(240_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.url).origin });
    await setUpWorkspace(page, harness);
    const marieId = await marieJoins(page);
    const members = await call<{ items: { id: string; name: string }[] }>(page, 'members.list', { query: {} });
    const adaId = members.items.find((m) => m.name === 'Ada Admin')?.id ?? '';

    // Members: the optional ID column, and its copy button copies the ID.
    await tab(page, 'Members');
    const table = page.getByRole('table', { name: 'Members' });
    await expect(table).toContainText('Marie Curie');
    await expect(table.getByText(marieId)).toHaveCount(0);
    await showColumn(page, 'Member ID');
    await expect(table.getByText(marieId)).toBeVisible();
    await table.getByRole('button', { name: 'Copy the ID: Marie Curie' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(marieId);

    // The audit log before the removal (its names are loaded), then remove Marie from the Members tab.
    await tab(page, 'Audit log');
    // Named in the UI language: the same table in English and French.
    const audit = page.getByRole('table', { name: /^(Audit log|Journal d'audit)$/ });
    await expect(audit).toContainText('Marie Curie accepted the invitation for marie@example.org');
    await tab(page, 'Members');
    await table.getByRole('button', { name: 'Manage: Marie Curie' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Remove from the organisation' }).click();
    await dialog.getByRole('button', { name: 'Remove from the organisation' }).click();
    await expect(table).not.toContainText('Marie Curie');

    // The removal in words, in English and French; the names carry their IDs in tooltips.
    await tab(page, 'Audit log');
    const removal = audit.getByRole('row').filter({ hasText: 'Ada Admin removed Marie Curie' });
    await expect(removal).toHaveCount(1);
    expect(await tooltipOf(page, removal.getByText('Marie Curie', { exact: true }))).toBe(`ID: ${marieId}`);
    expect(await tooltipOf(page, removal.getByText('Ada Admin', { exact: true }))).toBe(`ID: ${adaId}`);
    await setLanguage(page, harness, 'fr');
    await expect(audit.getByRole('row').filter({ hasText: 'Ada Admin a retiré Marie Curie' })).toHaveCount(1);
    await expect(audit).toContainText("Marie Curie a accepté l'invitation pour marie@example.org");
    await setLanguage(page, harness, 'en');
    await shootAudit(page, harness);

    // The action picker (grouped by domain) narrows to the removal.
    const rows = audit.getByRole('row');
    const all = await rows.count();
    expect(all).toBeGreaterThan(3);
    await pick(page, 'Action', 'Remove a member');
    await expect(rows).toHaveCount(2);
    await expect(audit).toContainText('Ada Admin removed Marie Curie');
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await expect(rows).toHaveCount(all);

    // A whole domain (a prefix match on the platform): the members' events, not the invitations'.
    await pick(page, 'Action', 'Members: everything');
    await expect(audit).toContainText('Ada Admin removed Marie Curie');
    await expect(audit).not.toContainText('Marie Curie accepted');
    expect(await rows.count()).toBeLessThan(all);
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await expect(rows).toHaveCount(all);

    // The actor picker: Ada's events only (Marie's acceptance goes).
    await pick(page, 'Actor', /^Ada Admin/);
    await expect(audit).not.toContainText('Marie Curie accepted');
    await expect(audit).toContainText('Ada Admin removed Marie Curie');
    expect(await rows.count()).toBeLessThan(all);

    // Dates in the UI's order (mm/dd/yyyy in English): from tomorrow nothing, from today everything of Ada's.
    await page.getByLabel('From (mm/dd/yyyy)').fill(enDay(1));
    await expect(page.getByText('No event matches')).toBeVisible();
    await page.getByLabel('From (mm/dd/yyyy)').fill(enDay(0));
    await expect(audit).toContainText('Ada Admin removed Marie Curie');
    await page.getByLabel('To (mm/dd/yyyy)').fill(enDay(-1));
    await expect(page.getByText('No event matches')).toBeVisible();
    await page.getByLabel('To (mm/dd/yyyy)').fill('13/45/2026');
    await expect(page.getByText('Type a date as mm/dd/yyyy.')).toBeVisible();

    // Clear: every filter goes, every event is back.
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await expect(rows).toHaveCount(all);
    await expect(page.getByLabel('From (mm/dd/yyyy)')).toHaveValue('');
    await expect(page.getByRole('combobox', { name: 'Actor', exact: true })).toHaveValue('');
    await expect(page.getByRole('button', { name: 'Clear the filters' })).toBeDisabled();

    // In French the dates are typed day first.
    await setLanguage(page, harness, 'fr');
    await expect(page.getByLabel('Du (jj/mm/aaaa)')).toBeVisible();
    await setLanguage(page, harness, 'en');

    // Invitations: the ID column's copy button.
    await tab(page, 'Invitations');
    const invitations = page.getByRole('table', { name: 'Invitations' });
    await showColumn(page, 'Invitation ID');
    const invitation = (await call<{ items: { id: string }[] }>(page, 'invitations.list', { query: {} })).items[0];
    await invitations.getByRole('button', { name: 'Copy the ID: marie@example.org' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(invitation?.id);

    // A filter narrowing the log from its second page shows the first page of what matches, not an empty page.
    for (let i = 0; i < 10; i++) {
      await call(page, 'invitations.create', { email: `guest${i}@example.org`, role: 'viewer', language: 'en' });
    }
    await tab(page, 'Audit log');
    await pick(page, 'Rows per page', /^10$/);
    await page.getByRole('button', { name: 'Page 2', exact: true }).click();
    await expect(audit).not.toContainText('guest9@example.org');
    await pick(page, 'Action', 'Remove a member');
    await expect(rows).toHaveCount(2);
    await expect(audit).toContainText('Ada Admin removed Marie Curie');
    await expect(page.getByRole('button', { name: 'Page 1', exact: true })).toHaveAttribute('data-active', 'true');
  });

  test('an API key: the secret dialog waits for "I stored it", 0 days is refused, its ID copies, its creator is named', async ({
    page,
    harness,
    context,
  }) => {
    test.setTimeout(180_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.url).origin });
    await setUpWorkspace(page, harness);
    const adaId = (await call<{ items: { id: string }[] }>(page, 'members.list', { query: {} })).items[0]?.id ?? '';
    await tab(page, 'API keys');
    await page.getByRole('button', { name: 'Create an API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Nightly import');

    // 0 days: refused with a message, in English and in French; nothing is created.
    await dialog.getByLabel('Expires in (days)').fill('0');
    await dialog.getByRole('button', { name: 'Create an API key' }).click();
    await expect(dialog.getByText('An API key cannot expire after 0 days: choose 1 day or more.')).toBeVisible();
    await expect(dialog.getByLabel('Expires in (days)')).toHaveValue('0');
    await setLanguage(page, harness, 'fr');
    await dialog.getByRole('button', { name: "Créer une clé d'API" }).click();
    await expect(
      dialog.getByText("Une clé d'API ne peut pas expirer après 0 jour\u202f: choisissez 1 jour ou plus."),
    ).toBeVisible();
    await setLanguage(page, harness, 'en');
    expect((await call<{ total: number }>(page, 'apiKeys.list', { query: {} })).total).toBe(0);

    // The secret: Escape, a click outside and a close button cannot dismiss it before the checkbox.
    await dialog.getByLabel('Expires in (days)').fill('30');
    await dialog.getByRole('button', { name: 'Create an API key' }).click();
    await expect(dialog.getByText('This is the only time the secret')).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Close this window' })).toHaveCount(0);
    await page.keyboard.press('Escape');
    await page.mouse.click(5, 5);
    await page.waitForTimeout(500);
    await expect(dialog.getByText('This is the only time the secret')).toBeVisible();
    await expect(dialog.getByText('Tick “I have stored the key in a safe place” to close this window.')).toBeVisible();
    await dialog.getByLabel('I have stored the key in a safe place').check();
    await expect(dialog.getByRole('button', { name: 'Close this window' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);

    // The key's ID column copies its ID; its creator is Ada by name, her ID in the tooltip.
    const key = (await call<{ items: { id: string }[] }>(page, 'apiKeys.list', { query: {} })).items[0];
    const keys = page.getByRole('table', { name: 'API keys' });
    await showColumn(page, 'Key ID');
    await expect(keys.getByText(key?.id ?? '?')).toBeVisible();
    await keys.getByRole('button', { name: 'Copy the ID: Nightly import' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key?.id);
    expect(await tooltipOf(page, keys.getByText('Ada Admin', { exact: true }))).toBe(`ID: ${adaId}`);

    // Its details: the owner by name (not an ID), the ID with its copy button.
    await keys.getByRole('button', { name: 'Manage: Nightly import' }).click();
    const details = page.getByRole('dialog');
    await expect(details.getByRole('row', { name: /Owner/ })).toContainText('Ada Admin');
    await expect(details.getByRole('row', { name: /Owner/ })).not.toContainText(adaId);
    await expect(details.getByRole('button', { name: 'Copy the ID: Nightly import' })).toBeVisible();
  });
});
