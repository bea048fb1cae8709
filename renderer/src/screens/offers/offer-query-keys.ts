/** The Offers screen's cache prefix: every offer list, offer, file page, import and preview lives under it. */
export const OFFERS_KEY = ['offers'] as const;
