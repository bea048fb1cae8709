// Catalog and Acquisitions through the harness with the real (embedded) platform: Provider Co publishes a
// subscription offer with one uploaded file (straight through the platform API); Acme, the organisation the app is
// signed in to, finds it in the catalog, subscribes for 6 months, sees the entitled file, downloads it to this
// computer (SHA-256 checked), and has it delivered automatically to an S3 organisation connector on a real Swift
// server, where the file and its receipt are read back. axe on both screens; screenshots at 1200x800 and 1024x640 in
// English and French into docs/screenshots/.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { Harness, HarnessOptions } from '../harness/harness';
import { startSwift, swiftAvailability, type SwiftServer } from '../servers/swift-server';
import { expect, test } from './harness-fixture';
import { platformCall } from './platform-call';
import { setLanguage, setUpWorkspace } from './organisation-helpers';

// A renderer built elsewhere (a private build while others use out/); the app's own build by default.
const rendererDir = process.env['FERRY_RENDERER_DIR'];
const options = (): HarnessOptions => (rendererDir ? { rendererDir } : {});
const SHOTS = path.resolve(__dirname, '../../docs/screenshots');

const swift = swiftAvailability();
let swiftServer: SwiftServer | undefined;

const OFFER = 'Daily prices';
const FILE = 'prices-2026-12-07.csv';
const BYTES = Buffer.from('sku,price\nA,1.10\nB,2.20\n');
const SHA = createHash('sha256').update(BYTES).digest('hex');
const BUCKET = 'acme-incoming';
const SIZES = [
  { name: '1200x800', width: 1200, height: 800 },
  { name: '1024x640', width: 1024, height: 640 },
] as const;

/** Uploads one file to an offer with the two tus requests of platform/README.md. */
async function uploadOfferFile(harness: Harness, orgId: string, offerId: string): Promise<void> {
  const { client } = await harness.services.platform.active();
  const b64 = (value: string) => Buffer.from(value).toString('base64');
  const auth = { authorization: `Bearer ${client.token}`, 'tus-resumable': '1.0.0' };
  const created = await fetch(`${client.baseUrl}/v1/orgs/${orgId}/offers/${offerId}/uploads`, {
    method: 'POST',
    headers: {
      ...auth,
      'upload-length': String(BYTES.length),
      'upload-metadata': `path ${b64(FILE)},sha256 ${b64(SHA)}`,
    },
  });
  expect(created.status, await created.text()).toBe(201);
  const location = new URL(created.headers.get('location')!, client.baseUrl).toString();
  const patched = await fetch(location, {
    method: 'PATCH',
    headers: { ...auth, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
    body: BYTES,
  });
  expect(patched.status, await patched.text()).toBe(204);
  expect(patched.headers.get('x-ferry-file-id')).toBeTruthy();
}

/** Provider Co (made by the same person, who stays in Acme in the app) publishes a subscription with one file. */
async function publishProviderOffer(harness: Harness): Promise<string> {
  const provider = (await platformCall(harness, 'POST', '/v1/orgs', { name: 'Provider Co' })) as { id: string };
  const offer = (await platformCall(harness, 'POST', `/v1/orgs/${provider.id}/offers`, {
    title: OFFER,
    description: 'End-of-day prices of every product, one CSV a day.',
    kind: 'subscription',
    subscription: { source: { type: 'agent' }, historyPolicy: { type: 'all' }, deliveryFrequency: 'daily' },
  })) as { id: string };
  await uploadOfferFile(harness, provider.id, offer.id);
  await platformCall(harness, 'POST', `/v1/orgs/${provider.id}/offers/${offer.id}/publish`);
  return offer.id;
}

/** Acme's S3 organisation connector on the Swift server, into a fresh bucket. */
async function addSwiftConnector(harness: Harness, s3: S3Client): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const { orgId } = await harness.services.platform.active();
  await platformCall(harness, 'POST', `/v1/orgs/${orgId}/connectors`, {
    name: 'Incoming S3',
    kind: 's3',
    options: {
      provider: 'other',
      endpoint: swiftServer!.endpoint,
      bucket: BUCKET,
      prefix: '',
      accessKeyId: swiftServer!.accessKeyId,
      compatibility: 'auto',
      serverSideEncryption: 'none',
      partSizeMiB: 8,
      uploadConcurrency: 4,
    },
    secrets: { secretAccessKey: swiftServer!.secretAccessKey },
  });
}

async function readObject(s3: S3Client, key: string): Promise<Buffer> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

async function openScreen(page: Page, name: RegExp, heading: RegExp): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { name: heading, level: 2 })).toBeVisible();
}

async function expectNoSeriousViolation(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
}

async function shoot(page: Page, name: string, size: string, lang: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}-${size}-${lang}.png`), animations: 'disabled' });
}

test.describe('catalog and acquisitions', () => {
  test.skip(!swift.available, 'OpenStack Swift is not installed');
  test.beforeAll(async () => {
    // Swift's four servers take a while to come up on a loaded machine.
    test.setTimeout(180_000);
    if (swift.available) swiftServer = await startSwift();
  });
  test.afterAll(async () => {
    await swiftServer?.stop();
  });

  test('a buyer acquires a published offer, downloads its file and has it delivered to S3 with its receipt', async ({
    page,
    startApp,
  }) => {
    test.setTimeout(240_000);
    const harness = await startApp(options());
    await setUpWorkspace(page, harness);
    await publishProviderOffer(harness);
    const s3 = new S3Client({
      endpoint: swiftServer!.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: swiftServer!.accessKeyId, secretAccessKey: swiftServer!.secretAccessKey },
    });
    await addSwiftConnector(harness, s3);

    // The catalog: the other organisation's offer with its provider, kind, files and schedule.
    await openScreen(page, /Catalog/, /Catalog/);
    const table = page.getByRole('table', { name: 'Published offers' });
    const row = table.getByRole('row').filter({ hasText: OFFER });
    await expect(row).toContainText('Provider Co');
    await expect(row).toContainText('Subscription');
    await expect(row).toContainText('Daily');
    await expect(row.getByRole('cell', { name: '1', exact: true })).toBeVisible();
    await expectNoSeriousViolation(page);
    // The search goes to the platform: a word of no title leaves the catalog empty.
    await page.getByRole('textbox', { name: 'Search titles and descriptions' }).fill('weather');
    await expect(page.getByText('Nothing matches this filter.')).toBeVisible();
    await page.getByRole('textbox', { name: 'Search titles and descriptions' }).fill('prices');
    await expect(row).toBeVisible();

    // Acquire: a subscription for 6 months.
    await row.getByRole('button', { name: `View and acquire: ${OFFER}` }).click();
    const dialog = page.getByRole('dialog', { name: OFFER });
    await expect(dialog).toContainText('All past files');
    await dialog.getByRole('textbox', { name: 'Months' }).fill('6');
    await dialog.getByRole('button', { name: 'Subscribe' }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByRole('button', { name: `Acquired: ${OFFER}` })).toBeVisible();

    // Acquisitions: the entitled file, downloaded to this computer.
    await openScreen(page, /Acquisitions/, /Acquisitions/);
    const acquisitions = page.getByRole('table', { name: 'Acquisitions' });
    await expect(acquisitions.getByRole('row').filter({ hasText: OFFER })).toContainText('Active');
    await acquisitions.getByRole('button', { name: `Open: ${OFFER}` }).click();
    const files = page.getByRole('table', { name: 'Entitled files' });
    await expect(files.getByRole('row').filter({ hasText: FILE })).toContainText('Not delivered automatically');
    await files.getByRole('button', { name: `Download: ${FILE}` }).click();
    const saved = path.join(harness.dataDir, 'downloads', FILE);
    await expect(page.getByText(`Saved to ${saved}`)).toBeVisible();
    expect(readFileSync(saved)).toEqual(BYTES);

    // Deliver automatically to the S3 organisation connector, with the naming pattern's preview.
    await page.getByRole('button', { name: 'Deliver automatically to…' }).click();
    const deliver = page.getByRole('dialog', { name: `Deliver “${OFFER}” automatically` });
    await deliver.getByLabel('Connector', { exact: true }).click();
    await page.getByRole('option', { name: 'Incoming S3 (s3)' }).click();
    await deliver.getByRole('textbox', { name: 'Folder' }).fill('incoming');
    await deliver.getByRole('textbox', { name: 'Naming pattern' }).fill('{offer}/{yyyy}/{name}');
    const year = new Date().getUTCFullYear();
    await expect(deliver.getByTestId('naming-preview')).toHaveText(
      `${FILE} will be written to incoming/${OFFER}/${year}/${FILE}`,
    );
    await deliver.getByRole('textbox', { name: 'Naming pattern' }).fill('{offer}/{nom}');
    await expect(deliver.getByTestId('naming-preview')).toContainText('This pattern cannot be used');
    await deliver.getByRole('textbox', { name: 'Naming pattern' }).fill('{offer}/{yyyy}/{name}');
    await expect(deliver.getByTestId('naming-preview')).toContainText(`${year}/${FILE}`);
    await expectNoSeriousViolation(page);
    await deliver.getByRole('button', { name: 'Deliver automatically' }).click();
    await expect(deliver).toBeHidden();
    await expect(page.getByText('Incoming S3 · incoming')).toBeVisible();

    // The platform delivers it (a job): the file's row says where, and names the receipt.
    const key = `incoming/${OFFER}/${year}/${FILE}`;
    const fileRow = files.getByRole('row').filter({ hasText: FILE });
    await expect(fileRow.getByText('Delivered', { exact: true })).toBeVisible({ timeout: 90_000 });
    await expect(fileRow).toContainText(`To ${key}`);
    const receiptText = (await fileRow.getByText(/^Receipt: /).textContent())!;
    const receiptKey = receiptText.replace(/^Receipt: /, '');
    expect(receiptKey).toContain('.ferry-receipt.json');
    expect(await readObject(s3, key)).toEqual(BYTES);
    const receipt = JSON.parse((await readObject(s3, receiptKey)).toString('utf8')) as Record<string, unknown>;
    expect(receipt).toMatchObject({ sha256: SHA, size: BYTES.length, path: key });
    await expectNoSeriousViolation(page);

    // Screenshots of both screens and their dialogs, in both languages and sizes.
    for (const lang of ['en', 'fr'] as const) {
      await setLanguage(page, harness, lang);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await openScreen(page, /Catalog|Catalogue/, /Catalog|Catalogue/);
        await expect(page.getByRole('row').filter({ hasText: OFFER })).toBeVisible();
        await shoot(page, 'catalog', size.name, lang);
        await page.getByRole('row').filter({ hasText: OFFER }).getByRole('button').click();
        await expect(page.getByRole('dialog', { name: OFFER })).toBeVisible();
        await shoot(page, 'catalog-offer-dialog', size.name, lang);
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog')).toBeHidden();
        await openScreen(page, /Acquisitions/, /Acquisitions/);
        await shoot(page, 'acquisitions', size.name, lang);
        await page.getByRole('row').filter({ hasText: OFFER }).getByRole('button').click();
        await expect(page.getByRole('heading', { name: OFFER, level: 3 })).toBeVisible();
        await shoot(page, 'acquisition-detail', size.name, lang);
        await page.getByRole('button', { name: /Deliver automatically to|Livrer automatiquement vers/ }).click();
        await expect(page.getByRole('dialog')).toBeVisible();
        await shoot(page, 'acquisition-deliver-dialog', size.name, lang);
        await page
          .getByRole('dialog')
          .getByRole('button', { name: /^(Cancel|Annuler)$/ })
          .click();
        await expect(page.getByRole('dialog')).toBeHidden();
        await page.getByRole('button', { name: /Back to acquisitions|Retour aux acquisitions/ }).click();
      }
    }
    s3.destroy();
  });
});

test('a buyer has an acquisition delivered to a my-connector folder by the desktop agent', async ({
  page,
  startApp,
}) => {
  test.setTimeout(180_000);
  const harness = await startApp(options());
  const root = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-agent-delivery-'));
  try {
    await setUpWorkspace(page, harness);
    const offerId = await publishProviderOffer(harness);
    const { orgId } = await harness.services.platform.active();
    await platformCall(harness, 'POST', `/v1/orgs/${orgId}/acquisitions`, { offerId, months: 1 });
    const created = await page.evaluate(
      (folder) =>
        window.ferry.invoke('connectors.create', {
          name: 'Inbox',
          kind: 'local',
          options: { root: folder },
          secrets: {},
        }),
      root,
    );
    expect(created).toMatchObject({ ok: true });

    await openScreen(page, /Acquisitions/, /Acquisitions/);
    await page.getByRole('button', { name: `Open: ${OFFER}` }).click();
    await page.getByRole('button', { name: 'Deliver automatically to…' }).click();
    const deliver = page.getByRole('dialog', { name: `Deliver “${OFFER}” automatically` });
    await deliver.getByText('My connector or this computer').click();
    await deliver.getByLabel('My connector', { exact: true }).click();
    await page.getByRole('option', { name: 'Inbox' }).click();
    await deliver.getByRole('textbox', { name: 'Folder' }).fill('received');
    await deliver.getByRole('textbox', { name: 'Naming pattern' }).fill('{name}');
    await expect(deliver.getByTestId('naming-preview')).toHaveText(`${FILE} will be written to received/${FILE}`);
    await deliver.getByRole('button', { name: 'Deliver automatically' }).click();
    await expect(deliver).toBeHidden();

    // The agent runs at once: it makes the acquisition's agent target, writes the file and acknowledges it.
    await expect(page.getByText(/This computer \(desktop agent\)/)).toBeVisible({ timeout: 60_000 });
    const fileRow = page.getByRole('table', { name: 'Entitled files' }).getByRole('row').filter({ hasText: FILE });
    await expect(fileRow.getByText('Delivered', { exact: true })).toBeVisible({ timeout: 60_000 });
    expect(readFileSync(path.join(root, 'received', FILE))).toEqual(BYTES);
    const bindings = await page.evaluate(() => window.ferry.invoke('sync.bindings', {}));
    expect(bindings).toMatchObject({ ok: true, value: { bindings: [{ kind: 'deliver', folder: 'received' }] } });

    // Stopping the target also removes this computer's binding.
    await page.getByRole('button', { name: 'Stop delivering' }).click();
    await expect(page.getByText(/Files are not delivered automatically/)).toBeVisible();
    expect(await page.evaluate(() => window.ferry.invoke('sync.bindings', {}))).toEqual({
      ok: true,
      value: { bindings: [] },
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
