import { z } from 'zod';
import { singleLineText } from './text-schemas';
import { ApiKeyRoleSchema, RoleSchema } from './roles';
import { Id, Timestamp } from './paging';
import { OrganisationSchema } from './organisations-api';
import { routesOf } from './api-route';

/** An e-mail address as accounts use it (compared case-insensitively, stored lowercase). */
export const EmailSchema = z.email().max(254);
/** A new password: long enough to resist guessing, short enough to hash cheaply. */
export const NewPasswordSchema = z.string().min(10).max(200);
/** A person's display name. */
export const PersonNameSchema = singleLineText(200);

/** POST /v1/setup: the first organisation and its admin. */
export const SetupRequestSchema = z.object({
  organisationName: singleLineText(200),
  name: PersonNameSchema,
  email: EmailSchema,
  password: NewPasswordSchema,
});
/** POST /v1/setup body. */
export type SetupRequest = z.infer<typeof SetupRequestSchema>;

/** GET /v1/setup: whether the first-run setup is still to be done. */
export const SetupStatusSchema = z.object({ setupRequired: z.boolean() });
/** GET /v1/setup response. */
export type SetupStatus = z.infer<typeof SetupStatusSchema>;

/** A signed-in person. */
export const UserSchema = z.object({ id: Id, email: z.string(), name: z.string() });
/** A signed-in person. */
export type User = z.infer<typeof UserSchema>;

/** A new session: the bearer token (shown once, stored hashed on the server) and when it expires. */
export const SessionSchema = z.object({ token: z.string(), expiresAt: Timestamp, user: UserSchema });
/** A new session. */
export type Session = z.infer<typeof SessionSchema>;

/** POST /v1/setup response: the organisation and the admin's first session. */
export const SetupResponseSchema = SessionSchema.extend({ organisation: OrganisationSchema });
/** POST /v1/setup response. */
export type SetupResponse = z.infer<typeof SetupResponseSchema>;

/** POST /v1/auth/login body. */
export const LoginRequestSchema = z.object({ email: EmailSchema, password: z.string().min(1).max(200) });
/** POST /v1/auth/login body. */
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** One organisation the signed-in person belongs to, with their role there. */
export const MembershipSchema = z.object({ orgId: Id, orgName: z.string(), role: RoleSchema });
/** A membership. */
export type Membership = z.infer<typeof MembershipSchema>;

/** GET /v1/me: who the bearer token stands for. */
export const MeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), user: UserSchema, memberships: z.array(MembershipSchema) }),
  z.object({ type: z.literal('api-key'), id: Id, name: z.string(), orgId: Id, role: ApiKeyRoleSchema }),
]);
/** GET /v1/me response. */
export type Me = z.infer<typeof MeSchema>;

/** The first-run setup routes. */
export const SETUP_ROUTES = routesOf('auth', {
  status: {
    method: 'GET',
    path: '/v1/setup',
    status: 200,
    response: SetupStatusSchema,
    access: { kind: 'public', action: 'setup.status' },
    summary: 'Whether the first-run setup is still to be done',
    errors: false,
  },
  create: {
    method: 'POST',
    path: '/v1/setup',
    status: 201,
    body: SetupRequestSchema,
    response: SetupResponseSchema,
    access: { kind: 'public', action: 'setup' },
    rateLimited: true,
    summary: 'Create the first organisation and its admin (refused once any organisation exists)',
  },
});

/** The sign-in routes: login, logout, who am I. */
export const AUTH_ROUTES = routesOf('auth', {
  login: {
    method: 'POST',
    path: '/v1/auth/login',
    status: 200,
    body: LoginRequestSchema,
    response: SessionSchema,
    access: { kind: 'public', action: 'auth.login' },
    rateLimited: true,
    summary:
      'Sign in with e-mail and password; returns a session token (rate-limited per IP, and per address after failures: 429 with Retry-After)',
  },
  logout: {
    method: 'POST',
    path: '/v1/auth/logout',
    status: 204,
    response: z.null(),
    access: { kind: 'signed-in', action: 'auth.logout', sessionsOnly: true },
    summary: 'End the current session',
  },
  me: {
    method: 'GET',
    path: '/v1/me',
    status: 200,
    response: MeSchema,
    access: { kind: 'signed-in', action: 'me.read' },
    summary: 'Who the bearer token stands for, and (for a person) their organisations and roles',
  },
});
