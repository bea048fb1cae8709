import type { PlatformErrorCode } from '../../../shared/platform';

/** The platform answered with a refusal: its stable code, HTTP status and human message. */
export class PlatformApiError extends Error {
  override readonly name = 'PlatformApiError';

  constructor(
    readonly code: PlatformErrorCode,
    readonly status: number,
    message: string,
    /** For `owned_resources`: how many resources the owner still has. */
    readonly ownedResourceCount?: number,
  ) {
    super(message);
  }
}

/** The platform could not be reached, or answered something that is not the platform API. */
export class PlatformUnreachableError extends Error {
  override readonly name = 'PlatformUnreachableError';

  constructor(
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}
