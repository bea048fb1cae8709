import { z } from 'zod';

// C0 controls and DEL: a CR LF in a name could forge a mail header or a log line, an escape recolour a terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// The same without line feed and tab, which a description may hold.
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** One line people read (a name, a title): trimmed, 1 to `max` characters, no control character. */
export function singleLineText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !CONTROL.test(text), 'Must be one line without control characters (line breaks, tabs, escapes).');
}

/** Free text over several lines (a description): line breaks and tabs allowed, other control characters not. */
export function multiLineText(max: number) {
  return z
    .string()
    .max(max)
    .refine(
      (text) => !CONTROL_BUT_LINES.test(text.replace(/\r\n/g, '\n')),
      'Must not contain control characters other than line breaks and tabs.',
    );
}
