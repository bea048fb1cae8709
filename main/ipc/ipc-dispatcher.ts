import type { z } from 'zod';
import {
  type EventName,
  type EventPayload,
  type IpcErrorPayload,
  type IpcResult,
  type MethodName,
  type MethodOutput,
  ipcEvents,
  ipcMethods,
  isMethodName,
} from '../../shared/ipc';

/** The implementation of every method of the contract. */
export type IpcHandlers = {
  readonly [M in MethodName]: (
    input: z.output<(typeof ipcMethods)[M]['input']>,
  ) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

/** Sends an event to the renderer(s); main's shell and the harness each provide one. */
export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Thrown by a handler to refuse bad input with a message the renderer can show. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

/** Thrown by a handler to refuse a call with a typed code (and a stable reason) the renderer translates. */
export class IpcRefusal extends Error {
  override readonly name = 'IpcRefusal';

  constructor(
    readonly code: IpcErrorPayload['code'],
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

function issuesOf(error: z.ZodError): NonNullable<IpcErrorPayload['issues']> {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(payload)', message: i.message }));
}

/**
 * Validates a raw payload against the contract, runs the handler, validates its output.
 * Never throws: every failure becomes a typed error envelope (GitHub Desktop's ipc-main idea, plus zod).
 */
export function createDispatcher(
  handlers: IpcHandlers,
  log: (message: string, error: unknown) => void = console.error,
) {
  return async function dispatch(method: string, payload: unknown): Promise<IpcResult<unknown>> {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'UnknownChannel', message: `Unknown IPC method '${method}'.` } };
    }
    const spec = ipcMethods[method];
    const input = spec.input.safeParse(payload);
    if (!input.success) {
      return {
        ok: false,
        error: { code: 'InvalidInput', message: `Invalid payload for '${method}'.`, issues: issuesOf(input.error) },
      };
    }
    try {
      const handler = handlers[method] as (input: unknown) => unknown;
      const output = spec.output.safeParse(await handler(input.data));
      if (!output.success) {
        log(`IPC '${method}' returned a value outside its contract`, output.error);
        return { ok: false, error: { code: 'Internal', message: `'${method}' failed inside Ferry.` } };
      }
      return { ok: true, value: output.data };
    } catch (error) {
      if (error instanceof InvalidInputError) {
        return { ok: false, error: { code: 'InvalidInput', message: error.message } };
      }
      if (error instanceof IpcRefusal) {
        const reason = error.reason !== undefined ? { reason: error.reason } : {};
        return { ok: false, error: { code: error.code, message: error.message, ...reason } };
      }
      log(`IPC '${method}' failed`, error);
      return { ok: false, error: { code: 'Internal', message: `'${method}' failed inside Ferry.` } };
    }
  };
}

/** A dispatcher: runs one call of the contract and returns its envelope. */
export type Dispatch = ReturnType<typeof createDispatcher>;

/** Validates an event payload before it leaves main, so the renderer only ever sees contract-shaped data. */
export function checkEventPayload<E extends EventName>(event: E, payload: EventPayload<E>): EventPayload<E> {
  return ipcEvents[event].payload.parse(payload) as EventPayload<E>;
}
