import type { Driver } from '../../../connectors/driver';
import { ServerIdentityError } from '../../../connectors/server-identity';

/**
 * The driver, watched: when any of its calls fails because the server's host key or certificate was refused (a
 * browse or a transfer on a server never confirmed, or whose key changed), `onRefused` gets the error, so the app
 * can say so next to the failure and offer the confirmation. The error still reaches the caller unchanged.
 */
export function watchIdentityRefusals(driver: Driver, onRefused: (error: ServerIdentityError) => void): Driver {
  const note = (error: unknown): never => {
    if (error instanceof ServerIdentityError) onRefused(error);
    throw error;
  };
  return new Proxy(driver, {
    get(target, property) {
      // Read on the driver itself: getters may use private fields, which a proxy receiver does not have.
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      // Called on the driver itself (private fields), its promise watched; synchronous results pass as they are.
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          return note(error);
        }
        return result instanceof Promise ? result.catch(note) : result;
      };
    },
  });
}
