import { type ResumeStateStore, type UploadPartEvent } from '../resume-state-store';

/** What every chunked upload (S3 multipart, Azure staged blocks, GCS or Drive sessions) knows of its target. */
export interface ChunkedUploadTarget {
  /** Connector path, for messages. */
  readonly path: string;
  /** Bytes per part, the last one shorter (part of the resume state: another part size never resumes). */
  readonly partSize: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Total size when known (part of the resume key: a different size never resumes). */
  readonly size?: number;
  readonly resumeStore?: ResumeStateStore;
  /** Called once a part's buffer is no longer read (sent, failed or skipped), so it can be reused. */
  readonly release?: (part: Buffer) => void;
  readonly onPart?: (event: UploadPartEvent) => void;
  readonly signal?: AbortSignal;
}
