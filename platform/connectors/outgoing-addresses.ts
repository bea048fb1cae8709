// The addresses a storage owner allows in an IP filter so the platform's connections get through.
import os from 'node:os';

/**
 * This machine's own addresses, for a local workspace with nothing configured: every non-loopback interface address
 * (IPv4 first), link-local ones left out since no storage outside the link sees them. Behind NAT the storage sees
 * the router's public address instead, which is why a server names its addresses (`--outgoing-address`).
 */
export function detectOutgoingAddresses(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): readonly string[] {
  const found = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((info) => !info.internal && !(info.family === 'IPv6' && info.address.toLowerCase().startsWith('fe80:')))
    .sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
    .map((info) => info.address);
  return [...new Set(found)];
}
