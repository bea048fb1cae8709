import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { type Driver, type CheckOptions } from '../driver';
import { type StepPlan } from './check-runner';

/**
 * The list, read and write steps on a driver's root, shared by every driver's `check()`. Write (only when
 * `options.write`) puts a small probe file, reads it back, compares and removes it; without write, read opens
 * the first file of the root, or is skipped when there is none.
 */
export function rootAccessSteps(driver: Driver, options: CheckOptions = {}): readonly StepPlan[] {
  let firstFile: string | undefined;
  const probe = `.ferry-check-${randomBytes(6).toString('hex')}`;
  const content = Buffer.from(`ferry check ${new Date().toISOString()}\n`);
  const signal = options.signal;
  return [
    {
      id: 'list',
      hint: 'Check the root folder exists and the account may list it.',
      async run() {
        const page = await driver.list('', { pageSize: 100, signal });
        firstFile = page.entries.find((e) => e.type === 'file')?.path;
        const more = page.cursor === undefined ? '' : ' (first page)';
        const count = page.entries.length;
        return { status: 'ok', detail: `${count} ${count === 1 ? 'entry' : 'entries'} in the root${more}.` };
      },
    },
    {
      id: 'write',
      hint: 'Check the account may create and delete files in the root folder.',
      async run() {
        if (options.write !== true) return { status: 'skipped', detail: 'Not asked for (read-only check).' };
        await driver.write(probe, Readable.from([content]), { size: content.length, signal });
        try {
          const stream = await driver.read(probe, { signal });
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          if (!Buffer.concat(chunks).equals(content))
            throw new Error('The probe file read back differs from what was written.');
        } finally {
          await driver.remove(probe, { signal });
        }
        firstFile = undefined;
        return { status: 'ok', detail: `Wrote, read back and removed ${probe}.` };
      },
    },
    {
      id: 'read',
      hint: 'Check the account may read files in the root folder.',
      async run() {
        if (options.write === true) return { status: 'ok', detail: 'The probe file was read back (see write).' };
        if (firstFile === undefined) return { status: 'skipped', detail: 'No file in the root to read.' };
        const stream = await driver.read(firstFile, { signal });
        // One chunk proves read access; the rest is not needed.
        for await (const _chunk of stream) break;
        stream.destroy();
        return { status: 'ok', detail: `Opened ${firstFile}.` };
      },
    },
  ];
}
