/**
 * Where interrupted uploads remember how to continue (an S3 upload id, an Azure uncommitted block list, a GCS
 * session URI). The caller persists it (a file, the agent's SQLite manifest); drivers store JSON-safe values
 * under a key of their choosing and validate what they load back, treating anything unexpected as absent.
 */
export interface ResumeStateStore {
  load(key: string): Promise<unknown>;
  save(key: string, state: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** A resume-state store in this process (tests, and callers that resume only within one run). */
export class MemoryResumeStateStore implements ResumeStateStore {
  readonly states = new Map<string, unknown>();

  async load(key: string): Promise<unknown> {
    const value = this.states.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  async save(key: string, state: unknown): Promise<void> {
    this.states.set(key, structuredClone(state));
  }

  async remove(key: string): Promise<void> {
    this.states.delete(key);
  }
}

/** What happened to one part or block of a resumable upload, for progress and for tests. */
export type UploadPartEvent =
  | { readonly kind: 'uploaded'; readonly part: number; readonly bytes: number }
  | { readonly kind: 'skipped'; readonly part: number; readonly bytes: number };
