import { QueryCache, QueryClient } from '@tanstack/react-query';
import { IpcError } from '../ipc-client';
import { usePlatformStore } from '../stores/platform-store';

/** The renderer's cache of platform state read through main: no retries (main already retries), no focus refetch. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        // A session the platform no longer accepts: the app shows the sign-in screen.
        if (error instanceof IpcError && error.code === 'NotSignedIn') void usePlatformStore.getState().load();
      },
    }),
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
