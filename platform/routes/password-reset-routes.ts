import { z } from 'zod';
import {
  ApiErrorSchema,
  CompletePasswordResetRequestSchema,
  PasswordResetRequestSchema,
  PasswordResetRequestedSchema,
} from '../../shared/platform';
import { completePasswordReset, requestPasswordReset, RESET_REQUESTED } from '../auth/password-reset';
import { ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';

/** Password reset by e-mail: ask for a link (same answer for any address), then set a new password with it. */
export function passwordResetRoutes(app: PlatformApp, ctx: PlatformContext, rateLimit: object): void {
  app.post(
    '/v1/auth/password-reset',
    {
      config: { access: { kind: 'public', action: 'auth.password-reset.request' }, rateLimit },
      schema: {
        summary:
          'E-mail a link to choose a new password (works once, for one hour); the answer is the same whether or not the address has an account (rate-limited)',
        tags: ['auth'],
        body: PasswordResetRequestSchema,
        response: {
          202: PasswordResetRequestedSchema,
          ...ERROR_RESPONSES,
          503: ApiErrorSchema.describe('mail_unavailable: the server has no SMTP configured'),
        },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request, request.body.email, request.body.language);
      return reply.code(202).send({ message: RESET_REQUESTED });
    },
  );

  app.post(
    '/v1/auth/password-reset/complete',
    {
      config: { access: { kind: 'public', action: 'auth.password-reset.complete' }, rateLimit },
      schema: {
        summary:
          'Set a new password with the token from a reset link: the token stops working and every session of the account ends',
        tags: ['auth'],
        body: CompletePasswordResetRequestSchema,
        response: {
          204: z.null(),
          ...ERROR_RESPONSES,
          410: ApiErrorSchema.describe('invitation_invalid, password_reset_invalid'),
        },
      },
    },
    async (request, reply) => {
      await completePasswordReset(ctx, request, request.body.token, request.body.password);
      return reply.code(204).send(null);
    },
  );
}
