/** Why the connectors service refused a request; the renderer translates the reason. */
export type ConnectorInputReason =
  | 'UnknownConnector'
  | 'UnknownKind'
  | 'NameTaken'
  | 'InvalidOptions'
  | 'SessionSecretsNotAccepted'
  | 'NoIdentityToTrust'
  | 'IdentityChanged'
  | 'NoIdentityToForget'
  | 'SignInExpired'
  | 'SignInOtherClient';

/** A request the connectors service refuses before doing anything (nothing is saved). */
export class ConnectorInputError extends Error {
  override readonly name = 'ConnectorInputError';

  constructor(
    readonly reason: ConnectorInputReason,
    message: string,
  ) {
    super(message);
  }
}
