import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type TrustStore } from '../../connectors/driver';

/** Trust-on-first-use fingerprints in a JSON file (`known-hosts.json` in the config folder), written atomically. */
export class FileTrustStore implements TrustStore {
  constructor(private readonly file: string) {}

  /** The file the fingerprints are kept in (to tell the user where). */
  get path(): string {
    return this.file;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.read())[key];
  }

  async set(key: string, fingerprint: string): Promise<void> {
    const all = { ...(await this.read()), [key]: fingerprint };
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
  }

  private async read(): Promise<Record<string, string>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`cannot read ${this.file}: ${(error as Error).message}`);
    }
  }
}
