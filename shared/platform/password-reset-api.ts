import { z } from 'zod';
import { LanguageSchema } from './roles';
import { EmailSchema, NewPasswordSchema } from './auth-api';

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
