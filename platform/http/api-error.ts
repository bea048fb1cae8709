import { PLATFORM_ERROR_STATUS, type ApiError as ApiErrorBody, type PlatformErrorCode } from '../../shared/platform';

/** A refusal or failure with a stable code; the error handler sends it as `{ code, message }` with its status. */
export class ApiError extends Error {
  /** The HTTP status that goes with the code. */
  readonly status: number;

  /** An error with a stable code, a human message and optional extra fields of the body. */
  constructor(
    readonly code: PlatformErrorCode,
    message: string,
    readonly extra: Omit<ApiErrorBody, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = PLATFORM_ERROR_STATUS[code];
  }

  /** The response body. */
  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

/** The 404 every unknown or foreign ID gets, so IDs of other organisations cannot be told from unknown ones. */
export function notFound(what: string): ApiError {
  return new ApiError('not_found', `${what} not found`);
}
