// Spreadsheets run a cell starting with one of these as a formula (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

// Quoted as well: `;` (the separator of spreadsheets in many locales) and any line break (the library quotes only a
// whole CRLF, but spreadsheets start a new row at a lone LF or CR).
const MUST_QUOTE = /[;\r\n]/;

/** A cell as csv-stringify's `cast.string` takes it: the text, quoted or not. */
export type CsvCell = string | { readonly value: string; readonly quoted: boolean };

/**
 * One cell: a value a spreadsheet would run as a formula gets a leading single quote inside a quoted cell; a value
 * with `;` is quoted too, so a spreadsheet whose locale splits on `;` cannot cut it into a formula-starting cell.
 */
export function csvCell(value: string): CsvCell {
  if (FORMULA_START.test(value)) return { value: `'${value}`, quoted: true };
  if (MUST_QUOTE.test(value)) return { value, quoted: true };
  return value;
}
