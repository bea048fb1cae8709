import { API, ApiErrorSchema } from '../../shared/platform';
import { apiRoute } from '../http/api-route';
import type { PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';
import { completePasswordReset, requestPasswordReset, RESET_REQUESTED } from './password-reset-service';

/** Password reset by e-mail: ask for a link (same answer for any address), then set a new password with it. */
export function passwordResetRoutes(app: PlatformApp, ctx: PlatformContext, rateLimit: object): void {
  apiRoute(
    app,
    API.auth.requestPasswordReset,
    {
      access: { kind: 'public', action: 'auth.password-reset.request' },
      rateLimit,
      summary:
        'E-mail a link to choose a new password (works once, for one hour); the answer is the same whether or not the address has an account (rate-limited)',
      tag: 'auth',
      responses: { 503: ApiErrorSchema.describe('mail_unavailable: the server has no SMTP configured') },
    },
    async (request) => {
      await requestPasswordReset(ctx, request, request.body.email, request.body.language);
      return { message: RESET_REQUESTED };
    },
  );

  apiRoute(
    app,
    API.auth.completePasswordReset,
    {
      access: { kind: 'public', action: 'auth.password-reset.complete' },
      rateLimit,
      summary:
        'Set a new password with the token from a reset link: the token stops working and every session of the account ends',
      tag: 'auth',
      responses: { 410: ApiErrorSchema.describe('invitation_invalid, password_reset_invalid') },
    },
    async (request) => {
      await completePasswordReset(ctx, request, request.body.token, request.body.password);
      return null;
    },
  );
}
