import net from 'node:net';

/** A refused outbound connection: where the code under test tried to go. */
export interface BlockedConnection {
  readonly host: string;
  readonly port: number | undefined;
}

/** The guard installed by `installLoopbackOnly`: what it refused, and how to take it away. */
export interface LoopbackGuard {
  readonly blocked: readonly BlockedConnection[];
  readonly uninstall: () => void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

/** Whether a TCP destination stays on this machine (a Unix socket path always does). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

interface ConnectTarget {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly path: string | undefined;
}

// net.connect hands Socket#connect a pre-normalised [options, callback] array; direct calls pass (options | port, host).
function targetOf(args: readonly unknown[]): ConnectTarget {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    return {
      host: typeof o.host === 'string' ? o.host : undefined,
      port: o.port === undefined ? undefined : Number(o.port),
      path: typeof o.path === 'string' ? o.path : undefined,
    };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { host: undefined, port: undefined, path: first };
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: Number(first), path: undefined };
}

/**
 * Refuses every TCP connection that leaves loopback, for tests of services that have no local server (Drive,
 * Snowflake, GCS): a mis-set endpoint then fails loudly instead of reaching the real service.
 */
export function installLoopbackOnly(): LoopbackGuard {
  const original = net.Socket.prototype.connect;
  const blocked: BlockedConnection[] = [];
  const guarded = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const target = targetOf(args);
    // No host means Node's default, localhost.
    if (target.path === undefined && target.host !== undefined && !isLoopbackHost(target.host)) {
      blocked.push({ host: target.host, port: target.port });
      const error = Object.assign(
        new Error(`test egress blocked: ${target.host}:${String(target.port)} is not loopback`),
        { code: 'ECONNREFUSED' },
      );
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = guarded as typeof original;
  return {
    blocked,
    uninstall: () => {
      if (net.Socket.prototype.connect === (guarded as typeof original)) net.Socket.prototype.connect = original;
    },
  };
}
