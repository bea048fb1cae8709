// The files of one acquisition on the platform as a read-only connectors Driver: the source of the agent's copies.
import { Readable } from 'node:stream';
import type { HashAlgorithm } from '../../../shared/connectors/hash-algorithm';
import type { CheckReport } from '../../../shared/connectors/check-report';
import { API, ApiErrorSchema, pathOf } from '../../../shared/platform';
import type { Capabilities, Hasher } from '../../../connectors/capabilities';
import { cancelledError, ConnectorError, throwIfAborted } from '../../../connectors/connector-error';
import type { Driver, Entry, ListPage, ReadOptions } from '../../../connectors/driver';
import { guardDriver } from '../../../connectors/guarded-driver';

/** How long a request may go without a byte (headers or body) before it counts as stalled. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** Where the files are and how to reach them. */
export interface PlatformFilesOptions {
  readonly baseUrl: string;
  /** The bearer token (a session or an API key); never logged. */
  readonly token?: string;
  readonly orgId: string;
  readonly acquisitionId: string;
  /** Milliseconds without a byte after which a request is abandoned as Retryable (not a whole-request limit). */
  readonly idleTimeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
}

const READ_ONLY_HINT = "The platform's files are read-only: Ferry copies them into your folder.";

// Restarts a timer on each sign of life; fires `onIdle` when none came for `ms`.
class IdleTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onIdle, this.ms);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** One request under way: the response, and what stops it. */
interface Exchange {
  readonly response: Response;
  readonly controller: AbortController;
  readonly idle: IdleTimer;
  readonly detach: () => void;
}

// The response body as a Node stream: each chunk restarts the idle timer; destroying the stream stops the download.
class BodyStream extends Readable {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(
    private readonly exchange: Exchange,
    private readonly failure: (error: unknown) => ConnectorError,
  ) {
    super();
    this.reader = exchange.response.body!.getReader();
  }

  override _read(): void {
    this.reader.read().then(
      ({ done, value }) => {
        if (done) {
          this.exchange.idle.stop();
          this.push(null);
          return;
        }
        this.exchange.idle.touch();
        this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      },
      (error: unknown) => this.destroy(this.failure(error)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.exchange.idle.stop();
    this.exchange.detach();
    // A consumer that stops early (an abort, a failed write) ends the download too.
    if (!this.exchange.controller.signal.aborted) this.exchange.controller.abort();
    this.reader.cancel().catch(() => undefined);
    callback(error);
  }
}

function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * A read-only Driver over an acquisition's entitled files on the platform, for the transfer engine: a path is an
 * offer file's ID; `stat` is a HEAD of its content (size, and the platform's SHA-256 as a stored hash), `read`
 * streams it (ranges with Range, so a copy resumes), `hash` gives the platform's SHA-256 without reading. Listing,
 * writing and removing are refused. Every error is a ConnectorError: a refused sign-in AuthFailed, a file not (any
 * more) entitled NotFound, a refused role or a cancelled acquisition PermissionDenied, a network failure, a stall
 * (no byte for `idleTimeoutMs`) or a busy server Retryable, which the transfer engine retries and resumes.
 */
export class PlatformFileDriver implements Driver, Hasher {
  readonly kind = 'ferry-platform';
  readonly capabilities: Capabilities = {
    hashes: ['sha256'],
    rangedRead: true,
    resumableWrite: false,
    atomicWrite: false,
    rename: false,
    serverSideCopy: false,
    directories: 'prefixes',
    mtimePrecisionMs: null,
    maxObjectSize: null,
  };
  private readonly idleMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PlatformFilesOptions) {
    this.idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  private urlOf(fileId: string): string {
    const { orgId, acquisitionId } = this.options;
    return `${this.options.baseUrl}${pathOf(API.acquisitions.content, { orgId, acquisitionId, fileId })}`;
  }

  // Starts a request; the idle timer covers the wait for headers, then each body chunk (see BodyStream).
  private async exchange(
    method: 'GET' | 'HEAD',
    fileId: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<Exchange> {
    throwIfAborted(signal, fileId);
    const controller = new AbortController();
    const stalled = new ConnectorError('Retryable', `The platform sent nothing for ${this.idleMs / 1000} s.`, {
      path: fileId,
      hint: 'Check the network connection; the copy continues where it stopped.',
    });
    const idle = new IdleTimer(this.idleMs, () => controller.abort(stalled));
    const onAbort = () => controller.abort(cancelledError(signal, fileId));
    signal?.addEventListener('abort', onAbort, { once: true });
    const detach = () => signal?.removeEventListener('abort', onAbort);
    if (this.options.token !== undefined) headers['authorization'] = `Bearer ${this.options.token}`;
    try {
      const response = await this.fetchImpl(this.urlOf(fileId), {
        method,
        headers,
        redirect: 'error',
        signal: controller.signal,
      });
      idle.touch();
      return { response, controller, idle, detach };
    } catch (error) {
      idle.stop();
      detach();
      throw this.failure(fileId, controller, error);
    }
  }

  // A failed request or body as a ConnectorError: the client's abort Cancelled, a stall or network error Retryable.
  private failure(fileId: string, controller: AbortController, error: unknown): ConnectorError {
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof ConnectorError) return reason;
    if (error instanceof ConnectorError) return error;
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
    return new ConnectorError('Retryable', `The platform at ${this.options.baseUrl} did not answer (${cause}).`, {
      path: fileId,
      hint: 'Check the network connection and that the platform is up; the copy continues where it stopped.',
      cause: error,
    });
  }

  // A refusal as a ConnectorError (a HEAD has no body: the status alone decides).
  private async refusal(fileId: string, exchange: Exchange): Promise<ConnectorError> {
    const { response } = exchange;
    let code: string | undefined;
    let message: string | undefined;
    try {
      const parsed = ApiErrorSchema.safeParse(await response.json());
      if (parsed.success) ({ code, message } = parsed.data);
    } catch {
      // No JSON body (HEAD, a proxy's page): the status says enough.
    } finally {
      exchange.idle.stop();
      exchange.detach();
    }
    const details = { path: fileId };
    const status = response.status;
    if (status === 401) {
      return new ConnectorError('AuthFailed', message ?? 'The platform refused the sign-in (expired or revoked).', {
        ...details,
        hint: 'Sign in again (or give the agent a new API key).',
      });
    }
    if (status === 403) {
      return new ConnectorError('PermissionDenied', message ?? 'The platform refused to give this file.', {
        ...details,
        hint: 'Ask an admin of your organisation for access to this acquisition.',
      });
    }
    if (status === 404) {
      return new ConnectorError('NotFound', `File ${fileId} is not (any more) part of this acquisition.`, {
        ...details,
        hint: 'The provider may have removed it from the offer.',
      });
    }
    if (status === 409 && (code === undefined || code === 'acquisition_inactive')) {
      return new ConnectorError('PermissionDenied', message ?? 'This acquisition was cancelled.', {
        ...details,
        hint: 'Files of a cancelled acquisition cannot be downloaded any more.',
      });
    }
    if (status === 408 || status === 429 || status >= 500) {
      return new ConnectorError('Retryable', message ?? `The platform answered HTTP ${status}.`, {
        ...details,
        retryAfterMs: retryAfterMs(response),
      });
    }
    return new ConnectorError('InvalidInput', message ?? `The platform answered HTTP ${status}.`, details);
  }

  async list(): Promise<ListPage> {
    throw new ConnectorError('Unsupported', "The platform's files are listed by the acquisition's change feed.");
  }

  async stat(path: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    if (path === '') return { name: '', path: '', type: 'directory' };
    const exchange = await this.exchange('HEAD', path, {}, options.signal);
    const { response } = exchange;
    if (!response.ok) throw await this.refusal(path, exchange);
    exchange.idle.stop();
    exchange.detach();
    await response.body?.cancel().catch(() => undefined);
    const size = Number(response.headers.get('content-length'));
    const sha256 = response.headers.get('x-ferry-sha256')?.toLowerCase();
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new ConnectorError('Retryable', 'The platform did not say how large the file is.', { path });
    }
    return {
      name: path,
      path,
      type: 'file',
      size,
      ...(sha256 !== undefined && /^[0-9a-f]{64}$/.test(sha256) ? { hashes: { sha256 } } : {}),
    };
  }

  async hash(path: string, algorithm: HashAlgorithm, options: { readonly signal?: AbortSignal } = {}) {
    if (algorithm !== 'sha256') throw new ConnectorError('Unsupported', `The platform gives no ${algorithm}.`);
    const entry = await this.stat(path, options);
    if (entry.hashes?.sha256 === undefined) {
      throw new ConnectorError('Retryable', 'The platform did not give the SHA-256 of the file.', { path });
    }
    return entry.hashes.sha256;
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const { range, signal } = options;
    const headers: Record<string, string> = {};
    const offset = range?.offset ?? 0;
    if (range !== undefined && (offset > 0 || range.length !== undefined)) {
      if (range.length === 0) return Readable.from([]);
      const end = range.length === undefined ? '' : String(offset + range.length - 1);
      headers['range'] = `bytes=${offset}-${end}`;
    }
    const exchange = await this.exchange('GET', path, headers, signal);
    const { response } = exchange;
    if (response.status === 416) {
      // A resume from the very end (the partial has every byte): nothing left to read.
      const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
      exchange.idle.stop();
      exchange.detach();
      await response.body?.cancel().catch(() => undefined);
      if (total !== undefined && Number(total) === offset) return Readable.from([]);
      throw new ConnectorError('InvalidInput', `The range from ${offset} is past the end of the file.`, { path });
    }
    if (!response.ok) throw await this.refusal(path, exchange);
    const from = Number(/^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1] ?? 0);
    if (headers['range'] !== undefined && (response.status !== 206 || from !== offset)) {
      exchange.controller.abort();
      exchange.idle.stop();
      exchange.detach();
      throw new ConnectorError('Retryable', `The platform did not answer the range from ${offset}.`, { path });
    }
    if (response.body === null) {
      exchange.idle.stop();
      exchange.detach();
      return Readable.from([]);
    }
    return new BodyStream(exchange, (error) => this.failure(path, exchange.controller, error));
  }

  async write(): Promise<never> {
    throw new ConnectorError('Unsupported', 'Files cannot be written to the platform this way.', {
      hint: READ_ONLY_HINT,
    });
  }

  async remove(): Promise<never> {
    throw new ConnectorError('Unsupported', "Files cannot be removed from the platform's offers this way.", {
      hint: READ_ONLY_HINT,
    });
  }

  async check(): Promise<CheckReport> {
    const started = Date.now();
    const { orgId, acquisitionId } = this.options;
    const url = `${this.options.baseUrl}${pathOf(API.acquisitions.read, { orgId, acquisitionId })}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token !== undefined) headers['authorization'] = `Bearer ${this.options.token}`;
    let detail: string;
    let ok = false;
    try {
      const response = await this.fetchImpl(url, {
        headers,
        redirect: 'error',
        signal: AbortSignal.timeout(this.idleMs),
      });
      await response.body?.cancel().catch(() => undefined);
      ok = response.ok;
      detail = ok ? 'The acquisition is readable.' : `The platform answered HTTP ${response.status}.`;
    } catch (error) {
      detail = this.failure('', new AbortController(), error).message;
    }
    const step = {
      id: 'authenticate' as const,
      label: 'Sign in',
      status: ok ? ('ok' as const) : ('failed' as const),
      detail,
      durationMs: Date.now() - started,
      ...(ok ? {} : { hint: 'Check the platform address and sign in again.' }),
    };
    return { ok, steps: [step] };
  }

  async close(): Promise<void> {
    // Nothing to release: each request is its own fetch.
  }
}

/** The files of one acquisition as a guarded Driver (paths normalised, cancellation checked). */
export function openPlatformFiles(options: PlatformFilesOptions): Driver {
  return guardDriver(new PlatformFileDriver(options));
}
