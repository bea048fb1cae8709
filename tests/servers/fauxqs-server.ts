import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { join } from 'node:path';

/** A running fauxqs (an in-process S3 mock with the SDK's modern defaults) on 127.0.0.1. */
export interface FauxqsServer {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  /** Creates a bucket. */
  createBucket(name: string): void;
  stop(): Promise<void>;
}

/** Whether the fauxqs package is installed, and why not when it is missing (throws under CI=true). */
export function fauxqsAvailability():
  { readonly available: true } | { readonly available: false; readonly reason: string } {
  // fauxqs is ESM-only with an exports map, so look for the package folder instead of resolving it.
  if (existsSync(join(process.cwd(), 'node_modules', 'fauxqs', 'package.json'))) return { available: true };
  {
    const reason = 'fauxqs is not installed: npm install --save-dev fauxqs';
    if (process.env.CI === 'true') throw new Error(`CI=true and a required test server is missing: ${reason}`);
    console.warn(`skipping fauxqs tests: ${reason}`);
    return { available: false, reason };
  }
}

let hooked = false;

// fauxqs hard-codes listen({ host: '0.0.0.0' }): rewrite its source to loopback as it is loaded, so tests never
// expose a server to the network.
function listenOnLoopbackOnly(): void {
  if (hooked) return;
  hooked = true;
  registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      if (!/\/fauxqs\/dist\/app\.js$/.test(url)) return result;
      const source = String(result.source);
      const patched = source.replace('host: "0.0.0.0"', 'host: "127.0.0.1"');
      if (patched === source) throw new Error('fauxqs: could not rewrite its listen host to 127.0.0.1');
      return { ...result, source: patched };
    },
  });
}

/** Starts fauxqs in this process on a free loopback port (0.5 s). */
export async function startFauxqs(): Promise<FauxqsServer> {
  listenOnLoopbackOnly();
  const { startFauxqs: start } = await import('fauxqs');
  const server = await start({ port: 0, logger: false, host: '127.0.0.1' });
  const address = new URL(server.address);
  if (address.hostname !== '127.0.0.1') {
    await server.stop();
    throw new Error(`fauxqs listens on ${server.address}, not on loopback`);
  }
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    port: server.port,
    createBucket: (name) => void server.createBucket(name),
    stop: () => server.stop(),
  };
}
