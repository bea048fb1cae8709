import { API } from '../../shared/platform';
import type { ApiRoutes } from '../http/api-route';
import type { PlatformContext } from '../platform-context';
import { completePasswordReset, requestPasswordReset, RESET_REQUESTED } from './password-reset-service';

/** Password reset by e-mail: ask for a link (same answer for any address), then set a new password with it. */
export function passwordResetRoutes(routes: ApiRoutes, ctx: PlatformContext): void {
  routes.add(API.passwordReset.request, async (request) => {
    await requestPasswordReset(ctx, request, request.body.email, request.body.language);
    return { message: RESET_REQUESTED };
  });
  routes.add(API.passwordReset.complete, async (request) => {
    await completePasswordReset(ctx, request, request.body.token, request.body.password);
    return null;
  });
}
