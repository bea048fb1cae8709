import { z } from 'zod';

/** One request/response method: its input and output schemas and what it does. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly input: I;
  readonly output: O;
}

/** One main-to-renderer event: its payload schema. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly payload: P;
}

/** Declares a domain's methods with their literal names kept for typing. */
export const defineMethods = <const T extends Record<string, MethodSpec>>(methods: T): T => methods;

/** Declares a domain's events with their literal names kept for typing. */
export const defineEvents = <const T extends Record<string, EventSpec>>(events: T): T => events;

/** Why an IPC call failed; the renderer translates the code, the message is for logs and developers. */
export const IPC_ERROR_CODES = [
  'InvalidInput',
  'UnknownChannel',
  'UntrustedSender',
  'Internal',
  'NotSignedIn',
  'PlatformUnreachable',
  'PlatformRefused',
  'ConnectorFailed',
] as const;
/** Why an IPC call failed. */
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

/** A JSON-safe error crossing IPC. `issues` lists what was wrong with the payload. */
export const IpcErrorSchema = z.object({
  code: z.enum(IPC_ERROR_CODES),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** A domain's stable reason, translated by the renderer (e.g. the platform API's error code for PlatformRefused). */
  reason: z.string().optional(),
});
/** A JSON-safe error crossing IPC. */
export type IpcErrorPayload = z.infer<typeof IpcErrorSchema>;

/** What every invoke resolves to: never a thrown error, always this envelope. */
export type IpcResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcErrorPayload };
