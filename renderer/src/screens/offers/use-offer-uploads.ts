import { useEffect, useState } from 'react';
import type { OfferUpload } from '../../../../shared/ipc/offer-uploads-ipc';
import { invoke, subscribe } from '../../ipc-client';

/** This session's uploads to one offer, kept current by main's `offerUploads.updated` events. */
export function useOfferUploads(offerId: string, onDone?: () => void): readonly OfferUpload[] {
  const [uploads, setUploads] = useState<ReadonlyMap<string, OfferUpload>>(new Map());
  useEffect(() => {
    let current = true;
    const stop = subscribe('offerUploads.updated', (upload) => {
      if (upload.offerId !== offerId) return;
      setUploads((map) => new Map(map).set(upload.id, upload));
      if (upload.state === 'done') onDone?.();
    });
    invoke('offerUploads.list', { offerId }).then(
      ({ uploads: list }) =>
        current &&
        setUploads((map) => {
          // Events that came while the list was on its way are newer: they win.
          const next = new Map(list.map((u) => [u.id, u] as const));
          for (const [id, u] of map) next.set(id, u);
          return next;
        }),
      () => undefined,
    );
    return () => {
      current = false;
      stop();
    };
    // onDone changes every render; the subscription follows the offer only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [offerId]);
  return [...uploads.values()];
}
