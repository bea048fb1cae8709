import { existsSync } from 'node:fs';

/** Whether a system server binary is present, and why not when it is missing. */
export type ServerAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

/**
 * Checks that a test server's binary exists. Locally a missing binary gives a printed reason to skip with;
 * under CI (CI=true) a missing server is a failure, never a skip, so this throws.
 */
export function requireServer(name: string, binary: string, installHint: string): ServerAvailability {
  const missing = !existsSync(binary);
  // Both servers authenticate a real system user, which only root can create and serve.
  const notRoot = process.getuid?.() !== 0;
  if (!missing && !notRoot) return { available: true };
  const reason = missing
    ? `${name} is not installed (${binary} missing): ${installHint}`
    : `${name} tests need root (they create the system user ferrytest and run ${binary})`;
  if (process.env.CI === 'true') throw new Error(`CI=true and a required test server is missing: ${reason}`);
  console.warn(`skipping ${name} tests: ${reason}`);
  return { available: false, reason };
}
