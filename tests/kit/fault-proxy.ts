import net, { type AddressInfo } from 'node:net';

/** The faults a proxy injects, each at a random point of a connection's byte stream. */
export interface FaultMix {
  /** Weight of cutting both sides of the connection. */
  readonly cut: number;
  /** Weight of holding the traffic for `stallMs`, then going on. */
  readonly stall: number;
  /** Weight (HTTP servers only) of answering a new connection's first request with 503 instead of forwarding it; mid-stream it cuts. */
  readonly http503?: number;
}

/** How a fault proxy behaves. */
export interface FaultProxyOptions {
  /** Seed of the proxy's random choices, so a failing run can be replayed. */
  readonly seed: number;
  readonly mix: FaultMix;
  /** Faults injected at most; after that the proxy forwards faithfully, so a retried batch can finish. */
  readonly maxFaults: number;
  /** A fault fires after a random number of bytes between these bounds (either direction counted). */
  readonly bytesBetween: readonly [number, number];
  /** How long a stall holds the traffic (default 1500 ms). */
  readonly stallMs?: number;
}

/** What a proxy did so far. */
export interface FaultCounts {
  connections: number;
  cuts: number;
  stalls: number;
  http503: number;
}

/** A running fault proxy: point a client at `port` instead of the server's. */
export interface FaultProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly counts: Readonly<FaultCounts>;
  /** Faults injected so far (all kinds). */
  readonly faults: () => number;
  stop(): Promise<void>;
}

// mulberry32: a tiny seeded generator, enough to replay a run.
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A TCP proxy on loopback between a client and one real server that cuts connections, stalls them and (for HTTP
 * servers) answers 503, at random points and up to a budget: the soak's way to meet the failures of real networks
 * (tests only; the target must be on loopback too).
 */
export async function startFaultProxy(
  target: { readonly host: string; readonly port: number },
  options: FaultProxyOptions,
): Promise<FaultProxy> {
  const random = seeded(options.seed);
  const counts: FaultCounts = { connections: 0, cuts: 0, stalls: 0, http503: 0 };
  const faults = (): number => counts.cuts + counts.stalls + counts.http503;
  const sockets = new Set<net.Socket>();
  const [low, high] = options.bytesBetween;
  const nextBudget = (): number => low + Math.floor(random() * (high - low));
  const pick = (): 'cut' | 'stall' | 'http503' => {
    const mix = options.mix;
    const total = mix.cut + mix.stall + (mix.http503 ?? 0);
    const r = random() * total;
    return r < mix.cut ? 'cut' : r < mix.cut + mix.stall ? 'stall' : 'http503';
  };

  const server = net.createServer((client) => {
    counts.connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const firstFault = faults() < options.maxFaults ? pick() : undefined;
    if (firstFault === 'http503') {
      // Answer once the request head arrived, as an overloaded server or gateway would.
      client.once('data', () => {
        counts.http503++;
        client.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let budget = nextBudget();
    let held = false;
    const forward = (from: net.Socket, to: net.Socket) => (chunk: Buffer) => {
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => {
          if (!held) from.resume();
        });
      }
      budget -= chunk.length;
      if (budget > 0 || faults() >= options.maxFaults) return;
      budget = nextBudget();
      const fault = pick();
      if (fault === 'stall') {
        counts.stalls++;
        held = true;
        client.pause();
        upstream.pause();
        setTimeout(() => {
          held = false;
          client.resume();
          upstream.resume();
        }, options.stallMs ?? 1500).unref();
      } else {
        // A 503 is only possible before a request; mid-stream the proxy cuts instead.
        counts.cuts++;
        client.destroy();
        upstream.destroy();
      }
    };
    client.on('data', forward(client, upstream));
    upstream.on('data', forward(upstream, client));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    counts,
    faults,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
