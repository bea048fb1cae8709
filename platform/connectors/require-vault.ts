import { ApiError } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import type { VaultService } from '../vault/vault-service';

/** The vault, or vault_unavailable (503) naming why: organisation connectors need it, nothing else does. */
export function requireVault(ctx: PlatformContext): VaultService {
  if (ctx.vault.kind === 'ready') return ctx.vault.service;
  throw new ApiError('vault_unavailable', `Organisation connectors are unavailable: ${ctx.vault.reason}`);
}
