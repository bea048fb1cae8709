import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** A foreground server process started by a test, with its recent output kept for error messages. */
export interface ServerProcess {
  readonly pid: number;
  /** The last few KiB of stdout and stderr, for diagnostics when something fails. */
  output(): string;
  /** Stops the server and every process it forked (open sessions included), then waits for the exit. */
  stop(): Promise<void>;
}

/** Reads the first bytes a TCP server sends after accepting a connection ('' when it sends nothing in time). */
export function readBanner(port: number, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('');
    }, timeoutMs);
    socket.once('data', (data) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data.toString('latin1'));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Spawns `command` in the foreground and waits until `ready()` resolves true (polled), failing early with the
 * server's own output when it exits first or is not ready within `timeoutMs`.
 */
export async function startServerProcess(
  name: string,
  command: string,
  args: readonly string[],
  ready: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `could not start: ${error.message}`;
      resolve();
    });
  });
  const pid = child.pid ?? -1;
  const onProcessExit = (): void => {
    for (const p of descendants(pid)) killQuietly(p);
    killQuietly(pid);
  };
  process.once('exit', onProcessExit);
  const handle: ServerProcess = {
    pid,
    output: () => output,
    stop: async () => {
      process.removeListener('exit', onProcessExit);
      if (exited === undefined) {
        // Sessions are forked children that outlive their listener: stop them too (a real server crash).
        for (const p of descendants(pid)) killQuietly(p);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`${name} ${exited}:\n${output}`);
    if (await ready().catch(() => false)) return handle;
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${name} was not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
