/** Query key prefix of the catalog: acquiring reloads it (the offer shows as acquired). */
export const CATALOG_KEY = ['catalog'] as const;
/** Query key prefix of the acquisitions (lists, files, targets, deliveries): every change reloads them. */
export const ACQUISITIONS_KEY = ['acquisitions'] as const;
