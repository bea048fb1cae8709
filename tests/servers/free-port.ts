import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the caller retries if another process takes it first). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the bound port'));
      });
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports on 127.0.0.1 (for vsftpd's passive range), picked at random in 20000-59999. */
export async function freePortRange(count: number): Promise<{ readonly min: number; readonly max: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const min = 20000 + Math.floor(Math.random() * (40000 - count));
    let ok = true;
    for (let port = min; port < min + count && ok; port++) ok = await portIsFree(port);
    if (ok) return { min, max: min + count - 1 };
  }
  throw new Error(`no range of ${count} free ports found on 127.0.0.1`);
}
