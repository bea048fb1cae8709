/**
 * The renderer's Content-Security-Policy: only Ferry's own scripts, no remote content, no plugins, no framing.
 * Styles allow inline because the component kit (Mantine) sets CSS variables and style attributes at run time;
 * scripts never do. `connect-src 'self'` lets the browser harness reach its same-origin bridge, nothing else.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Security headers sent with every renderer file. */
export const RENDERER_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};
