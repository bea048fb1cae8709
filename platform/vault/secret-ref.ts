// Which secret: an organisation's connector's option. Also the additional authenticated data that binds to it.

/** A secret's place: organisation, connector and option name. */
export interface SecretRef {
  readonly orgId: string;
  readonly connectorId: string;
  readonly option: string;
}

/**
 * The AAD of a secret's ciphertext or of its wrapped data key: the place, JSON-encoded so no two places share bytes,
 * and the purpose, so a wrapped key pasted into the ciphertext column (or back) does not open either.
 */
export function secretAad(ref: SecretRef, purpose: 'data-key' | 'secret'): Buffer {
  return Buffer.from(JSON.stringify(['ferry-vault/1', purpose, ref.orgId, ref.connectorId, ref.option]), 'utf8');
}
