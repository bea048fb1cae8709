import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ResumeStateStore } from './resume-state-store';

/**
 * Resume states in one JSON file, written atomically and one change at a time, so an interrupted upload (an S3
 * upload id and its parts, Azure blocks, a GCS session) resumes after the process dies. Holds no secrets: upload ids
 * and session URIs only.
 */
export class FileResumeStateStore implements ResumeStateStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  async load(key: string): Promise<unknown> {
    await this.queue;
    return (await this.read())[key];
  }

  save(key: string, state: unknown): Promise<void> {
    return this.change((all) => ({ ...all, [key]: state }));
  }

  remove(key: string): Promise<void> {
    return this.change(({ [key]: _removed, ...rest }) => rest);
  }

  private change(update: (all: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
    const next = this.queue.then(async () => {
      const all = update(await this.read());
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(all), { mode: 0o600 });
      await rename(temp, this.file);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<Record<string, unknown>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      // Missing or damaged: resuming is an optimisation, a fresh upload is always correct.
      return {};
    }
  }
}
