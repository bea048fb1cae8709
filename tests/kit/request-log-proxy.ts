import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** One request the proxy forwarded. */
export interface LoggedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  /** The Range header (or Azure's x-ms-range), when present. */
  readonly range?: string;
}

/** A running logging proxy: point a client at `origin` instead of the server's. */
export interface RequestLogProxy {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  /** Every request forwarded so far, in arrival order (clear it with `length = 0`). */
  readonly requests: LoggedRequest[];
  /** Requests being answered right now, and the most seen at once. */
  readonly concurrency: { current: number; max: number };
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on loopback that forwards every request unchanged to a real server on loopback and logs it, so a
 * test can see which requests a driver sent (several ranged GETs, how many at once) without a fake server.
 */
export async function startRequestLogProxy(
  target: {
    readonly host: string;
    readonly port: number;
  },
  options: {
    /**
     * Ranged requests wait until this many are being answered (or `holdMs` passed) before they are forwarded: a
     * client that sends them together is then seen with them all in flight however loaded the machine is, while one
     * that sends them one after another is not.
     */
    readonly holdRangesUntil?: number;
    readonly holdMs?: number;
  } = {},
): Promise<RequestLogProxy> {
  const requests: LoggedRequest[] = [];
  const concurrency = { current: 0, max: 0 };
  const agent = new http.Agent({ keepAlive: true });
  let rangedInFlight = 0;
  const held: (() => void)[] = [];
  const hold = (forward: () => void): void => {
    const wanted = options.holdRangesUntil ?? 0;
    if (rangedInFlight >= wanted) {
      for (const release of held.splice(0)) release();
      forward();
      return;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      forward();
    };
    const timer = setTimeout(release, options.holdMs ?? 1000);
    held.push(release);
  };
  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    const range = request.headers['x-ms-range'] ?? request.headers.range;
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      ...(typeof range === 'string' ? { range } : {}),
    });
    concurrency.current += 1;
    concurrency.max = Math.max(concurrency.max, concurrency.current);
    const ranged = typeof range === 'string';
    if (ranged) rangedInFlight += 1;
    let counted = true;
    const done = (): void => {
      if (counted) concurrency.current -= 1;
      if (counted && ranged) rangedInFlight -= 1;
      counted = false;
    };
    response.once('close', done);
    if (ranged) hold(() => forward(request, response));
    else forward(request, response);
  });
  const forward = (request: IncomingMessage, response: ServerResponse): void => {
    const upstream = http.request(
      {
        host: target.host,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(response);
        // A client that hangs up mid-body (a cancelled read) hangs up on the server too.
        response.once('close', () => {
          if (!answer.complete) upstream.destroy();
        });
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    concurrency,
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
