import { z } from 'zod';
import { LanguageSchema } from './roles';
import { EmailSchema, NewPasswordSchema } from './auth-api';
import { routesOf } from './api-route';
import { ApiErrorSchema } from './error-codes';

/** POST /v1/auth/password-reset body: the account's e-mail and the language of the e-mail to send. */
export const PasswordResetRequestSchema = z.object({
  email: EmailSchema,
  language: LanguageSchema.default('en'),
});
/** POST /v1/auth/password-reset body. */
export type PasswordResetRequest = z.input<typeof PasswordResetRequestSchema>;

/** POST /v1/auth/password-reset response: the same whether or not an account exists for the address. */
export const PasswordResetRequestedSchema = z.object({ message: z.string() });
/** POST /v1/auth/password-reset response. */
export type PasswordResetRequested = z.infer<typeof PasswordResetRequestedSchema>;

/** POST /v1/auth/password-reset/complete body: the token from the e-mailed link and the new password. */
export const CompletePasswordResetRequestSchema = z.object({
  token: z.string().min(1).max(200),
  password: NewPasswordSchema,
});
/** POST /v1/auth/password-reset/complete body. */
export type CompletePasswordResetRequest = z.infer<typeof CompletePasswordResetRequestSchema>;

/** The password reset routes (the HTML pages a reset link opens are the server's own, outside the API). */
export const PASSWORD_RESET_ROUTES = routesOf('auth', {
  request: {
    method: 'POST',
    path: '/v1/auth/password-reset',
    status: 202,
    body: PasswordResetRequestSchema,
    response: PasswordResetRequestedSchema,
    access: { kind: 'public', action: 'auth.password-reset.request' },
    rateLimited: true,
    summary:
      'E-mail a link to choose a new password (works once, for one hour); the answer is the same whether or not the address has an account (rate-limited)',
    responses: { 503: ApiErrorSchema.describe('mail_unavailable: the server has no SMTP configured') },
  },
  complete: {
    method: 'POST',
    path: '/v1/auth/password-reset/complete',
    status: 204,
    body: CompletePasswordResetRequestSchema,
    response: z.null(),
    access: { kind: 'public', action: 'auth.password-reset.complete' },
    rateLimited: true,
    summary:
      'Set a new password with the token from a reset link: the token stops working and every session of the account ends',
    responses: { 410: ApiErrorSchema.describe('invitation_invalid, password_reset_invalid') },
  },
});
