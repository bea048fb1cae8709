import {
  type EventName,
  type EventPayload,
  type IpcErrorCode,
  type IpcErrorPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../shared/ipc';

/** A refused or failed IPC call, with the contract's error code for translation. */
export class IpcError extends Error {
  override readonly name = 'IpcError';
  readonly code: IpcErrorCode;
  readonly issues: IpcErrorPayload['issues'];
  /** A domain's stable reason (e.g. the platform's error code), when main gave one. */
  readonly reason: string | undefined;

  constructor(payload: IpcErrorPayload) {
    super(payload.message);
    this.code = payload.code;
    this.issues = payload.issues;
    this.reason = payload.reason;
  }
}

/** Calls a main-process method through the bridge, typed by the contract; throws IpcError when refused. */
export async function invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await window.ferry.invoke(method, input);
  if (!result.ok) throw new IpcError(result.error);
  return result.value as MethodOutput<M>;
}

/** Listens to a main-process event, typed by the contract; returns the unsubscribe function. */
export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.ferry.on(event, (payload) => listener(payload as EventPayload<E>));
}
