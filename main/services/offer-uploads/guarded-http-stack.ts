import type { ClientRequest } from 'node:http';
import { Readable } from 'node:stream';
import { DefaultHttpStack, type HttpRequest, type HttpResponse, type HttpStack } from 'tus-js-client';

/** How long a request may stay silent (no byte sent or received) before it is given up and retried. */
export const REQUEST_IDLE_TIMEOUT_MS = 60_000;

/**
 * tus-js-client's Node HTTP stack, guarded: a body stream that fails (the source connector dropped, the file
 * shrank) fails its request instead of leaving it waiting for bytes forever, a silent connection times out, and a
 * body nobody finished sending is released.
 */
export class GuardedHttpStack implements HttpStack {
  private readonly inner = new DefaultHttpStack({});

  constructor(private readonly idleTimeoutMs = REQUEST_IDLE_TIMEOUT_MS) {}

  createRequest(method: string, url: string): HttpRequest {
    return new GuardedRequest(this.inner.createRequest(method, url), this.idleTimeoutMs);
  }

  getName(): string {
    return 'FerryGuardedHttpStack';
  }
}

class GuardedRequest implements HttpRequest {
  constructor(
    private readonly inner: HttpRequest,
    private readonly idleTimeoutMs: number,
  ) {}

  getMethod(): string {
    return this.inner.getMethod();
  }

  getURL(): string {
    return this.inner.getURL();
  }

  setHeader(header: string, value: string): void {
    this.inner.setHeader(header, value);
  }

  getHeader(header: string): string | undefined {
    return this.inner.getHeader(header);
  }

  setProgressHandler(handler: (bytesSent: number) => void): void {
    this.inner.setProgressHandler(handler);
  }

  async send(body: unknown): Promise<HttpResponse> {
    // The inner stack creates its ClientRequest synchronously inside send().
    const sending = this.inner.send(body);
    const request = this.inner.getUnderlyingObject() as ClientRequest | null;
    request?.setTimeout(this.idleTimeoutMs, () =>
      request.destroy(new Error(`No answer from the platform for ${this.idleTimeoutMs / 1000} s.`)),
    );
    if (body instanceof Readable) body.once('error', (error) => request?.destroy(error));
    try {
      return await sending;
    } finally {
      if (body instanceof Readable && !body.readableEnded) body.destroy();
    }
  }

  abort(): Promise<void> {
    return this.inner.abort();
  }

  getUnderlyingObject(): unknown {
    return this.inner.getUnderlyingObject();
  }
}
