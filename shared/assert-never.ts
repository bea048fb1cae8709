/** Marks a switch as exhaustive: compiling fails when a case is missing, running throws if reached anyway. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
