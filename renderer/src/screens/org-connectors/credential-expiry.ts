/** Days before a credential expires when the screen starts warning (the platform's first warning, too). */
export const EXPIRY_WARNING_DAYS = 14;

const DAY_MS = 86_400_000;

/** How close a connector's credentials are to expiring: expired, soon (within the warning days), or fine. */
export type ExpiryState = 'expired' | 'soon' | 'fine';

/** The expiry state of `expiresAt` (ISO) at `now`; null when the credentials do not expire (or it is not known). */
export function expiryState(expiresAt: string | null, now: number = Date.now()): ExpiryState | null {
  if (expiresAt === null) return null;
  const left = new Date(expiresAt).getTime() - now;
  if (left <= 0) return 'expired';
  return left <= EXPIRY_WARNING_DAYS * DAY_MS ? 'soon' : 'fine';
}

/** Whole days left before `expiresAt` (0 once expired). */
export function daysLeft(expiresAt: string, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((new Date(expiresAt).getTime() - now) / DAY_MS));
}
