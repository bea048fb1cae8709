import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error';

/**
 * The Host header values a server answers to, read on every request (the port is known only after listen).
 * An entry `name:port` matches exactly, a bare `name` matches on any port, `*` matches everything.
 */
export type AllowedHosts = () => readonly string[];

/** Host names without a port, lower-cased; IPv6 in brackets: `[::1]`. */
function splitHost(value: string): { readonly name: string; readonly port: string | null } {
  const host = value.trim().toLowerCase().replace(/\.$/, '');
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host);
  if (match === null) return { name: host, port: null };
  return { name: (match[1] ?? '').replace(/\.$/, ''), port: match[2] ?? null };
}

/** Whether a Host header is one of the allowed names. */
export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  if (header === undefined || header === '') return false;
  const host = splitHost(header);
  return allowed.some((entry) => {
    const want = splitHost(entry);
    return want.name === host.name && (want.port === null || want.port === host.port);
  });
}

/** The names the server answers to by itself: the loopback names on its port, and its public URL's host. */
export function ownHosts(port: number, publicUrl: string | undefined, listenHost: string): string[] {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  // A server bound to one address also answers to that address (0.0.0.0 and :: stand for every address).
  if (!['0.0.0.0', '::', '127.0.0.1', 'localhost', '::1'].includes(listenHost)) {
    hosts.push(listenHost.includes(':') ? `[${listenHost}]:${port}` : `${listenHost}:${port}`);
  }
  if (publicUrl !== undefined && publicUrl !== '') {
    const url = new URL(publicUrl);
    const defaultPort = url.protocol === 'https:' ? '443' : '80';
    hosts.push(`${url.hostname}:${url.port === '' ? defaultPort : url.port}`);
    if (url.port === '') hosts.push(url.hostname);
  }
  return hosts;
}

/**
 * Refuses requests whose Host header is not one of the server's names before any route runs, so a web page on a
 * DNS-rebinding domain (evil.example resolving to 127.0.0.1) cannot call the local workspace from a browser.
 */
export function registerHostGuard(app: FastifyInstance, allowed: AllowedHosts): void {
  app.addHook('onRequest', async (request) => {
    if (hostAllowed(request.headers.host, allowed())) return;
    throw new ApiError(
      'host_not_allowed',
      'This server does not answer to that host name. Use its own address, or ask its administrator to add the ' +
        'name (--allowed-host or --public-url).',
    );
  });
}
