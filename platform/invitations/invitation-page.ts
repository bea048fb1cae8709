import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API, NewPasswordSchema, PersonNameSchema, type Language, type Role } from '../../shared/platform';
import { assertNever } from '../../shared/assert-never';
import { invitations, organisations, sessions, users } from '../db/schema';
import { hashToken, tokenKindOf } from '../auth/secret-token';
import { burnPasswordCheck, verifyPassword } from '../auth/password';
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from '../auth/login-throttle';
import type { Principal } from '../auth/principal';
import { auditDenial } from '../audit/audit-request';
import { orgIdsOf } from '../members/membership-queries';
import { ApiError } from '../http/api-error';
import { acceptFormBodies, browserLanguage, errorParagraph, escapeHtml, htmlPage } from '../http/html-page';
import type { PlatformContext } from '../platform-context';
import type { InvitationAcceptance } from './invitation-acceptance';
import { isPending } from './invitation-links';
import { INVITATION_PAGE_TEXT, type InvitationPageText } from './invitation-page-text';

// The invitation page's own rules: the "Open in Ferry" button and the invitation's facts.
const PAGE = htmlPage(
  '32rem',
  `.open{display:inline-block;padding:.6rem 1rem;background:#1c5fb8;color:#fff;border-radius:4px;text-decoration:none}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{color:#555}dd{margin:0}hr{margin:2rem 0}
`,
);

/** The Ferry deep link that opens the desktop's join screen on this invitation. */
export function joinDeepLink(platformUrl: string, token: string): string {
  return `ferry://join?platform=${encodeURIComponent(platformUrl)}&token=${encodeURIComponent(token)}`;
}

/** Whether a request prefers an HTML page (a browser) to JSON (a programmatic client). */
export function prefersHtml(accept: string | undefined): boolean {
  const value = (accept ?? '').toLowerCase();
  const html = value.indexOf('text/html');
  const json = value.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json);
}

/** What the page shows about an invitation (also a used or expired one: its language is still the invitee's). */
interface InvitationView {
  readonly token: string;
  readonly orgId: string;
  readonly pending: boolean;
  readonly language: Language;
  readonly email: string;
  readonly role: Role;
  readonly organisationName: string;
  readonly sender: string | null;
  readonly expiresAt: Date;
}

async function viewOf(ctx: PlatformContext, token: string): Promise<InvitationView | null> {
  if (tokenKindOf(token) !== 'invitation') return null;
  const [row] = await ctx.db
    .select({
      inv: invitations,
      organisationName: organisations.name,
      senderName: users.name,
      senderEmail: users.email,
    })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.orgId))
    .leftJoin(users, eq(users.id, invitations.senderId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  if (!row) return null;
  return {
    token,
    orgId: row.inv.orgId,
    pending: isPending(row.inv, ctx.now()),
    language: row.inv.language,
    email: row.inv.email,
    role: row.inv.role,
    organisationName: row.organisationName,
    sender: row.senderName === null ? null : `${row.senderName} (${row.senderEmail ?? ''})`,
    expiresAt: row.inv.expiresAt,
  };
}

type PageState =
  | { readonly kind: 'form'; readonly view: InvitationView; readonly error: string | null; readonly name: string }
  | { readonly kind: 'sign-in'; readonly view: InvitationView; readonly error: string | null }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'done'; readonly view: InvitationView };

function summary(t: InvitationPageText, view: InvitationView, deepLink: string): string {
  const intro = t.intro(view.sender ?? t.anAdmin, view.organisationName, t.roles[view.role]);
  return `<p>${escapeHtml(intro)}</p>
<dl><dt>${escapeHtml(t.invitedAddress)}</dt><dd>${escapeHtml(view.email)}</dd>
<dt>${escapeHtml(t.expires)}</dt><dd>${view.expiresAt.toISOString().slice(0, 10)}</dd></dl>
<p>${escapeHtml(t.openHelp)}</p>
<p><a class="open" href="${escapeHtml(deepLink)}">${escapeHtml(t.openInFerry)}</a></p>
<hr>`;
}

function signInForm(t: InvitationPageText, action: string, view: InvitationView): string {
  return `<form method="post" action="${action}">
<input type="hidden" name="token" value="${escapeHtml(view.token)}">
<input type="hidden" name="mode" value="sign-in">
<input type="hidden" name="email" value="${escapeHtml(view.email)}" autocomplete="username">
<label for="current">${escapeHtml(t.signInPassword)}</label>
<input id="current" name="password" type="password" autocomplete="current-password" maxlength="200" required>
<button type="submit">${escapeHtml(t.signIn)}</button>
</form>`;
}

/** The page's body for a state; `base` is the server's public URL, so forms and links work behind a reverse proxy. */
function render(base: string, language: Language, state: PageState): string {
  const t = INVITATION_PAGE_TEXT[language];
  const action = `${new URL(base).pathname.replace(/\/+$/, '')}${API.invitations.accept.path}`;
  let body: string;
  switch (state.kind) {
    case 'form':
      body = `${summary(t, state.view, joinDeepLink(base, state.view.token))}
<p>${escapeHtml(t.orHere)}</p>
${errorParagraph(state.error)}<form method="post" action="${action}">
<input type="hidden" name="token" value="${escapeHtml(state.view.token)}">
<input type="hidden" name="mode" value="create">
<label for="name">${escapeHtml(t.name)}</label>
<input id="name" name="name" type="text" autocomplete="name" maxlength="200" required value="${escapeHtml(state.name)}">
<label for="password">${escapeHtml(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="200" required>
<label for="confirm">${escapeHtml(t.confirm)}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="10" maxlength="200" required>
<button type="submit">${escapeHtml(t.create)}</button>
</form>
<hr>
<h2>${escapeHtml(t.haveAccount)}</h2>
${signInForm(t, action, state.view)}`;
      break;
    case 'sign-in':
      body = `${summary(t, state.view, joinDeepLink(base, state.view.token))}
${errorParagraph(state.error)}${signInForm(t, action, state.view)}`;
      break;
    case 'invalid':
      body = `<p class="error" role="alert">${escapeHtml(t.invalid)}</p>`;
      break;
    case 'done':
      body = `<p class="done" role="status">${escapeHtml(t.done(state.view.organisationName, t.roles[state.view.role]))}</p>
<p>${escapeHtml(t.doneNext(state.view.email, base))}</p>`;
      break;
    default:
      return assertNever(state, 'page state');
  }
  return body;
}

function send(ctx: PlatformContext, reply: FastifyReply, status: number, language: Language, state: PageState) {
  const title = INVITATION_PAGE_TEXT[language].title;
  return PAGE.send(reply, status, language, title, render(ctx.publicUrl(), language, state));
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The invited account's password, checked like a sign-in (throttled per address before any check, failures counted
 * and audited, also in the inviting organisation) but without opening a session: the page only needs to know it is
 * that person.
 */
async function signedInByPassword(
  ctx: PlatformContext,
  request: FastifyRequest,
  view: InvitationView,
  password: string,
): Promise<Principal> {
  const { db } = ctx;
  const now = ctx.now();
  const email = view.email;
  const [user] = await db.select().from(users).where(eq(users.email, email));
  request.auth.refusedPrincipal = { type: 'user', id: user?.id ?? email, label: email, orgId: view.orgId };
  const orgIds = [...new Set([view.orgId, ...(user ? await orgIdsOf(db, user.id) : [])])];
  if (!(await checkLoginThrottle(db, email, now)).allowed) {
    await auditDenial(db, request, now, 'login_throttled', orgIds);
    request.auth.audited = true;
    throw new ApiError('rate_limited', 'Too many failed sign-ins for this address.');
  }
  const ok = user ? await verifyPassword(password, user.passwordHash) : false;
  if (!user) await burnPasswordCheck(password);
  if (!user || !ok) {
    await recordLoginFailure(db, email, now, ctx.loginThrottle);
    await auditDenial(db, request, now, 'invalid_credentials', orgIds);
    request.auth.audited = true;
    throw new ApiError('invalid_credentials', 'The e-mail or the password is wrong.');
  }
  await clearLoginFailures(db, email);
  return { type: 'user', userId: user.id, email: user.email, name: user.name, sessionId: '' };
}

/** Records a refusal the page answered itself (the error handler, which would have, never sees it). */
async function auditRefusal(ctx: PlatformContext, request: FastifyRequest, code: string): Promise<void> {
  if (request.auth.audited) return;
  await auditDenial(ctx.db, request, ctx.now(), code);
  request.auth.audited = true;
}

/**
 * The human side of an invitation link: a browser opening the link (GET with Accept: text/html) gets a page in the
 * invitation's language (organisation, sender, role, an "Open in Ferry" deep link, a form to create the account or
 * sign in as the existing one); the form posts back to the same URL. Programmatic clients asking for JSON still get
 * the API routes. Strict CSP, no script; the page's scope alone accepts form-encoded bodies.
 */
export async function invitationPage(
  app: FastifyInstance,
  ctx: PlatformContext,
  acceptance: InvitationAcceptance,
  rateLimit: object,
): Promise<void> {
  // Routes constrained to browsers; a request that does not prefer HTML falls through to the JSON route.
  app.addConstraintStrategy({
    name: 'page',
    storage() {
      const handlers = new Map<string, unknown>();
      return {
        get: (value: string) => (handlers.get(value) as never) ?? null,
        set: (value: string, store: unknown) => void handlers.set(value, store),
      };
    },
    deriveConstraint: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const accept = request.headers['accept'];
      return prefersHtml(Array.isArray(accept) ? accept.join(',') : accept) ? 'html' : undefined;
    },
    mustMatchWhenDerived: false,
  } as unknown as Parameters<FastifyInstance['addConstraintStrategy']>[0]);

  await app.register(async (scope) => {
    acceptFormBodies(scope);

    scope.get(
      API.invitations.preview.path,
      {
        constraints: { page: 'html' },
        schema: { hide: true },
        config: { access: { kind: 'public', action: 'invitations.page' }, rateLimit },
      },
      async (request, reply) => {
        const view = await viewOf(ctx, text((request.query as Record<string, unknown>).token));
        if (view === null || !view.pending) {
          await auditRefusal(ctx, request, 'invitation_invalid');
          return send(ctx, reply, 410, view?.language ?? browserLanguage(request), { kind: 'invalid' });
        }
        return send(ctx, reply, 200, view.language, { kind: 'form', view, error: null, name: '' });
      },
    );

    scope.post(
      API.invitations.accept.path,
      {
        constraints: { page: 'html' },
        schema: { hide: true },
        config: { access: { kind: 'public', action: 'invitations.accept' }, rateLimit },
      },
      async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, unknown>;
        const view = await viewOf(ctx, text(form.token));
        if (view === null || !view.pending) {
          await auditRefusal(ctx, request, 'invitation_invalid');
          return send(ctx, reply, 410, view?.language ?? browserLanguage(request), { kind: 'invalid' });
        }
        const t = INVITATION_PAGE_TEXT[view.language];
        const password = text(form.password);
        const signingIn = form.mode === 'sign-in';
        if (!signingIn) {
          const name = PersonNameSchema.safeParse(text(form.name).trim());
          const problem = !name.success
            ? t.required
            : password !== form.confirm
              ? t.differ
              : password.length < 10
                ? t.short
                : !NewPasswordSchema.safeParse(password).success
                  ? t.long
                  : null;
          if (problem !== null) {
            return send(ctx, reply, 400, view.language, { kind: 'form', view, error: problem, name: text(form.name) });
          }
        }
        try {
          const principal = signingIn ? await signedInByPassword(ctx, request, view, password) : null;
          const joined = await acceptance.accept(
            request,
            principal,
            signingIn ? { token: view.token } : { token: view.token, name: text(form.name).trim(), password },
          );
          // The session accepting opens is for API clients; the page has no use for it.
          await ctx.db.delete(sessions).where(eq(sessions.tokenHash, hashToken(joined.token)));
        } catch (failure) {
          if (!(failure instanceof ApiError) || failure.status >= 500) throw failure;
          await auditRefusal(ctx, request, failure.code);
          switch (failure.code) {
            case 'invitation_invalid':
              return send(ctx, reply, 410, view.language, { kind: 'invalid' });
            case 'sign_in_required':
              return send(ctx, reply, 409, view.language, { kind: 'sign-in', view, error: t.exists(view.email) });
            case 'invalid_credentials':
              return send(ctx, reply, 401, view.language, { kind: 'sign-in', view, error: t.wrongPassword });
            case 'rate_limited':
              return send(ctx, reply, 429, view.language, { kind: 'sign-in', view, error: t.throttled });
            case 'already_member':
              return send(ctx, reply, 409, view.language, { kind: 'sign-in', view, error: t.alreadyMember });
            default:
              return send(ctx, reply, failure.status, view.language, {
                kind: 'form',
                view,
                error: failure.message,
                name: text(form.name),
              });
          }
        }
        return send(ctx, reply, 200, view.language, { kind: 'done', view });
      },
    );
  });
}
