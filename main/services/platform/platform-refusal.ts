import { ipcRefusalOf } from '../ipc-refusal';

/** Wraps a platform handler so its failures reach the renderer as typed refusals (see ipcRefusalOf). */
export function refusing<I, O>(handler: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return (input) => handler(input).catch(ipcRefusalOf);
}
