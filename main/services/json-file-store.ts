import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyValueStore } from './key-value-store';

/** A KeyValueStore in one JSON file, written atomically (temp file + rename); used where Electron is absent. */
export class JsonFileStore implements KeyValueStore {
  private data: Record<string, unknown>;

  constructor(private readonly file: string) {
    this.data = JsonFileStore.load(file);
  }

  private static load(file: string): Record<string, unknown> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  get(key: string): unknown {
    return this.data[key];
  }

  set(key: string, value: unknown): void {
    this.data = { ...this.data, [key]: value };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
