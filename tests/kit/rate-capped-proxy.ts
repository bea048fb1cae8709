import net, { type AddressInfo } from 'node:net';

/** A running rate-capped proxy: point a client at `port` instead of the server's. */
export interface RateCappedProxy {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A TCP proxy on loopback that caps each connection's server-to-client bytes at `bytesPerSecond`, as a long or
 * throttled network path caps one TCP stream (tests and benchmarks only; the target must be on loopback too).
 */
export async function startRateCappedProxy(targetPort: number, bytesPerSecond: number): Promise<RateCappedProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    let due = performance.now();
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      // Each chunk books its time on the connection's clock; reading pauses until the clock catches up.
      due = Math.max(due, performance.now()) + (chunk.length / bytesPerSecond) * 1000;
      const wait = due - performance.now();
      if (wait > 1) {
        upstream.pause();
        setTimeout(() => upstream.resume(), wait);
      }
    });
    upstream.on('end', () => client.end());
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
