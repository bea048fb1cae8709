import { z } from 'zod';

/** The steps of a connector check, in order; a driver reports each, marking the ones that do not apply skipped. */
export const CHECK_STEP_IDS = ['resolve', 'connect', 'handshake', 'authenticate', 'list', 'read', 'write'] as const;

/** One step of a connector check. */
export type CheckStepId = (typeof CHECK_STEP_IDS)[number];

/** Outcome of one step: `skipped` when it does not apply or an earlier step failed. */
export const CHECK_STEP_STATUSES = ['ok', 'failed', 'skipped'] as const;

/** Outcome of one check step. */
export type CheckStepStatus = (typeof CHECK_STEP_STATUSES)[number];

/** One step's result: what was tried, what happened, and (when it failed) what to do about it. */
export const CheckStepSchema = z.object({
  id: z.enum(CHECK_STEP_IDS),
  label: z.string(),
  status: z.enum(CHECK_STEP_STATUSES),
  /** What happened, e.g. "127.0.0.1:2222 reached in 3 ms" or the server's refusal. */
  detail: z.string(),
  /** What the user should do when the step failed or was skipped. */
  hint: z.string().optional(),
  /** Host-key or certificate fingerprint seen during the handshake, to show and to pin. */
  fingerprint: z.string().optional(),
  durationMs: z.number().nonnegative(),
});

/** One step's result. */
export type CheckStep = z.infer<typeof CheckStepSchema>;

/** A whole check: ok when no step failed. JSON-safe (IPC, platform API, `ferry check --json`). */
export const CheckReportSchema = z.object({
  ok: z.boolean(),
  steps: z.array(CheckStepSchema),
});

/** A whole check. */
export type CheckReport = z.infer<typeof CheckReportSchema>;

/** Default labels of the steps, for drivers and for display. */
export const CHECK_STEP_LABELS: { readonly [S in CheckStepId]: string } = {
  resolve: 'Resolve host name',
  connect: 'Connect',
  handshake: 'Secure handshake',
  authenticate: 'Sign in',
  list: 'List the folder',
  read: 'Read a file',
  write: 'Write a file',
};
