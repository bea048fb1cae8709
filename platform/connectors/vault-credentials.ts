import { secretStoreCredentials, type CredentialPort } from '../../connectors/config/credential-port';
import type { VaultService } from '../vault/vault-service';

/** Where a driver saves a credential it renewed: the connector's own secret option in the vault. */
export function vaultCredentials(
  vault: VaultService,
  orgId: string,
  connectorId: string,
  kind: string,
): CredentialPort {
  return secretStoreCredentials(
    kind,
    { set: (option, value) => vault.put({ orgId, connectorId, option }, value) },
    (option) => option,
  );
}
