// Issue 14's acceptance, chained through the screens as two organisations would use them, on real servers: Acme's
// admin adds an SFTP organisation connector on OpenSSH (host key confirmed), makes a subscription offer fed from one
// of its folders, scans it and publishes it; Buyer Co (the same person's second organisation) finds it in the
// catalog, subscribes, and has its files delivered automatically to an S3 organisation connector on Swift. The
// delivered files and their receipts are read back with the AWS SDK, byte for byte.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Page } from '@playwright/test';
import type { HarnessOptions } from '../harness/harness';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';
import { startSwift, swiftAvailability, type SwiftServer } from '../servers/swift-server';
import { expect, test } from './harness-fixture';
import { platformCall } from './platform-call';
import { setUpWorkspace } from './organisation-helpers';

// A renderer built elsewhere (a private build while others use out/); the app's own build by default.
const rendererDir = process.env['FERRY_RENDERER_DIR'];
const options = (): HarnessOptions => (rendererDir ? { rendererDir } : {});

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const swift = swiftAvailability();
const OFFER = 'Daily survey';
const BUCKET = 'buyer-incoming';
const FILES = {
  'monday.csv': Buffer.from('site,count\nNorth,12\nSouth,9\n'),
  'tuesday.csv': Buffer.from('site,count\nNorth,14\nSouth,11\n'),
} as const;

let sshd: SshdServer | undefined;
let swiftServer: SwiftServer | undefined;

test.beforeAll(async () => {
  // Swift's four servers and sshd take a while to come up on a loaded machine.
  test.setTimeout(180_000);
  if (!sshdAvailable.available || !swift.available) return;
  [sshd, swiftServer] = await Promise.all([startSshd(), startSwift()]);
});
test.afterAll(async () => {
  await Promise.all([sshd?.dispose(), swiftServer?.stop()]);
});

async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { name, level: 2 })).toBeVisible();
}

/** Acme's SFTP organisation connector through the Organisation > Connectors form, its host key confirmed. */
async function addSftpConnector(page: Page, server: SshdServer): Promise<void> {
  await page.getByRole('tab', { name: 'Connectors' }).click();
  await page.getByRole('button', { name: 'Add a connector' }).click();
  const form = page.getByRole('dialog', { name: 'New organisation connector' });
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Survey drop');
  await form.getByRole('textbox', { name: 'Host', exact: true }).fill(server.host);
  await form.getByRole('textbox', { name: 'Port', exact: true }).fill(String(server.port));
  await form.getByRole('textbox', { name: 'User name', exact: true }).fill(server.user.name);
  await form.getByLabel('Password', { exact: true }).fill(server.user.password);
  await form.getByRole('textbox', { name: 'Folder on the server', exact: true }).fill(server.root);
  await form.getByRole('button', { name: 'Save and test' }).click();
  const testDialog = page.getByRole('dialog', { name: 'Test Survey drop from the platform' });
  await expect(testDialog.getByTestId('presented-fingerprint')).toHaveText(server.hostKeyFingerprint);
  await testDialog.getByRole('button', { name: 'They match: trust and connect' }).click();
  await expect(testDialog.getByTestId('test-outcome')).toContainText('The connector works.');
  await testDialog.getByRole('button', { name: 'Close', exact: true }).click();
  await page
    .getByRole('dialog', { name: 'Survey drop', exact: true })
    .getByRole('button', { name: 'Close', exact: true })
    .click();
}

/** A subscription offer fed from the connector's `daily` folder (no approval step), scanned until it holds both files. */
async function makeOffer(page: Page): Promise<void> {
  await openScreen(page, 'Offers');
  await page.getByRole('button', { name: 'New offer' }).click();
  const dialog = page.getByRole('dialog', { name: 'New offer' });
  await dialog.getByLabel('Title').fill(OFFER);
  await dialog.getByText('Subscription', { exact: true }).click();
  await dialog.getByRole('combobox', { name: 'Source' }).click();
  await page.getByRole('option', { name: 'A folder of an organisation connector' }).click();
  await dialog.getByRole('combobox', { name: 'Organisation connector' }).click();
  await page.getByRole('option', { name: /Survey drop/ }).click();
  await dialog.getByRole('button', { name: 'Browse…' }).click();
  const picker = page.getByRole('dialog', { name: 'Choose the source folder' });
  await picker.getByRole('button', { name: 'Open folder daily' }).click();
  await picker.getByRole('button', { name: 'Use this folder' }).click();
  await dialog.getByRole('button', { name: 'Create draft' }).click();
  await expect(page.getByRole('heading', { name: OFFER, level: 2 })).toBeVisible();
  await expect(page.getByText('Survey drop, folder daily')).toBeVisible();
  // A file is taken once it looks the same twice: the first scan records both, the second adds them.
  for (const count of [1, 2]) {
    await page.getByRole('tab', { name: 'Source and next scan' }).click();
    await page.getByRole('button', { name: 'Scan now' }).click();
    await page.getByRole('tab', { name: 'Import history' }).click();
    await expect(page.getByRole('button', { name: /^Scan / })).toHaveCount(count);
    await expect(page.getByText('Succeeded')).toHaveCount(count, { timeout: 60_000 });
  }
  await page.getByRole('tab', { name: 'Files' }).click();
  const files = page.getByRole('table', { name: 'Files of the offer' });
  for (const name of Object.keys(FILES)) {
    await expect(files.getByRole('row', { name: new RegExp(name.replace('.', '\\.')) })).toContainText('Available');
  }
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('dialog', { name: 'Publish this offer?' }).getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByText('Published', { exact: true }).first()).toBeVisible();
}

test('acceptance: an SFTP organisation connector feeds a subscription offer that a second organisation acquires and has delivered to Swift, with receipts', async ({
  page,
  startApp,
}) => {
  test.skip(!sshdAvailable.available || !swift.available, 'OpenSSH or Swift is not installed');
  test.setTimeout(600_000);
  const server = sshd!;
  const store = swiftServer!;
  mkdirSync(path.join(server.root, 'daily'), { recursive: true });
  for (const [name, bytes] of Object.entries(FILES)) writeFileSync(path.join(server.root, 'daily', name), bytes);

  // The provider, Acme: connector, offer, scans, publish; all through the screens.
  const harness = await startApp(options());
  await setUpWorkspace(page, harness);
  await addSftpConnector(page, server);
  await makeOffer(page);

  // The buyer: a second organisation of the same person, chosen in the header's menu.
  await platformCall(harness, 'POST', '/v1/orgs', { name: 'Buyer Co' });
  await page.evaluate(() => window.ferry.invoke('platform.refresh', {}));
  await page.reload();
  await page.getByRole('button', { name: /^Account and organisation/ }).click();
  await page.getByRole('menuitem', { name: 'Buyer Co' }).click();
  await expect(page.getByRole('button', { name: /^Account and organisation: .*Buyer Co/ })).toBeVisible();
  const s3 = new S3Client({
    endpoint: store.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const { orgId } = await harness.services.platform.active();
  await platformCall(harness, 'POST', `/v1/orgs/${orgId}/connectors`, {
    name: 'Incoming S3',
    kind: 's3',
    options: {
      provider: 'other',
      endpoint: store.endpoint,
      bucket: BUCKET,
      prefix: '',
      accessKeyId: store.accessKeyId,
      compatibility: 'auto',
      serverSideEncryption: 'none',
      partSizeMiB: 8,
      uploadConcurrency: 4,
    },
    secrets: { secretAccessKey: store.secretAccessKey },
  });

  await openScreen(page, 'Catalog');
  const row = page.getByRole('table', { name: 'Published offers' }).getByRole('row').filter({ hasText: OFFER });
  await expect(row).toContainText('Acme');
  await row.getByRole('button', { name: `View and acquire: ${OFFER}` }).click();
  const acquire = page.getByRole('dialog', { name: OFFER });
  await acquire.getByRole('textbox', { name: 'Months' }).fill('1');
  await acquire.getByRole('button', { name: 'Subscribe' }).click();
  await expect(acquire).toBeHidden();

  await openScreen(page, 'Acquisitions');
  await page
    .getByRole('table', { name: 'Acquisitions' })
    .getByRole('button', { name: `Open: ${OFFER}` })
    .click();
  await page.getByRole('button', { name: 'Deliver automatically to…' }).click();
  const deliver = page.getByRole('dialog', { name: `Deliver “${OFFER}” automatically` });
  await deliver.getByLabel('Connector', { exact: true }).click();
  await page.getByRole('option', { name: 'Incoming S3 (s3)' }).click();
  await deliver.getByRole('textbox', { name: 'Folder' }).fill('incoming');
  await deliver.getByRole('textbox', { name: 'Naming pattern' }).fill('{offer}/{name}');
  await deliver.getByRole('button', { name: 'Deliver automatically' }).click();
  await expect(deliver).toBeHidden();

  // The platform delivers each file (a job per file): the screen names where it went and its receipt.
  const entitled = page.getByRole('table', { name: 'Entitled files' });
  for (const [name, bytes] of Object.entries(FILES)) {
    const fileRow = entitled.getByRole('row').filter({ hasText: name });
    await expect(fileRow.getByText('Delivered', { exact: true })).toBeVisible({ timeout: 120_000 });
    const key = `incoming/${OFFER}/${name}`;
    await expect(fileRow).toContainText(`To ${key}`);
    const receiptKey = ((await fileRow.getByText(/^Receipt: /).textContent()) ?? '').replace(/^Receipt: /, '');
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(bytes);
    const receiptObject = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: receiptKey }));
    const receipt = JSON.parse(Buffer.from(await receiptObject.Body!.transformToByteArray()).toString('utf8'));
    expect(receipt).toMatchObject({
      path: key,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
});
