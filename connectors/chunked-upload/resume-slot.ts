import { type z } from 'zod';
import { cancelledError, type ConnectorError } from '../connector-error';
import { type ResumeStateStore } from '../resume-state-store';

/**
 * One upload's entry in a resume-state store (an S3 upload id, an Azure block tag, a GCS or Drive session URI):
 * loaded back only when it parses and fits this upload, kept after a failure only when the upload can resume.
 */
export class ResumeSlot<State> {
  constructor(
    private readonly store: ResumeStateStore | undefined,
    /** The key, naming the store, the object and the announced size (a different size never resumes). */
    readonly key: string,
    private readonly schema: z.ZodType<State>,
  ) {}

  /** The saved state when there is one that parses and `fits` this upload (same part size...); else undefined. */
  async load(fits: (state: State) => boolean): Promise<State | undefined> {
    if (this.store === undefined) return undefined;
    const parsed = this.schema.safeParse(await this.store.load(this.key));
    return parsed.success && fits(parsed.data) ? parsed.data : undefined;
  }

  /** Saves the state before the first byte is sent, so an interruption at any point can resume. */
  async save(state: State): Promise<void> {
    await this.store?.save(this.key, state);
  }

  /** Forgets the upload (completed, or not resumable). */
  async remove(): Promise<void> {
    await this.store?.remove(this.key);
  }

  /**
   * After a failure: the error to throw (Cancelled when the signal aborted, else `mapError`'s), the state kept only
   * for a cancelled or transient failure with a store; otherwise `discard` frees what the store holds (best effort).
   */
  async settleFailure(
    error: unknown,
    how: {
      readonly path: string;
      readonly signal?: AbortSignal;
      readonly mapError: (error: unknown) => ConnectorError;
      readonly discard?: () => Promise<unknown>;
    },
  ): Promise<ConnectorError> {
    const mapped = how.signal?.aborted ? cancelledError(how.signal, how.path) : how.mapError(error);
    const keep = this.store !== undefined && (mapped.code === 'Cancelled' || mapped.code === 'Retryable');
    if (!keep) {
      await how.discard?.().catch(() => undefined);
      await this.remove();
    }
    return mapped;
  }
}
