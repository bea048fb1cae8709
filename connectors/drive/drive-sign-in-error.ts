import { type DriveSignInFailure } from '../../shared/connectors/drive-sign-in-failure';
import { type ConnectorErrorCode } from '../../shared/errors/connector-error-code';
import { ConnectorError, type ConnectorErrorDetails } from '../connector-error';

/** A Google sign-in that did not complete: a ConnectorError that also says why, for a message in the user's language. */
export class DriveSignInError extends ConnectorError {
  constructor(
    readonly failure: DriveSignInFailure,
    code: ConnectorErrorCode,
    message: string,
    details: ConnectorErrorDetails = {},
  ) {
    super(code, message, details);
  }
}
