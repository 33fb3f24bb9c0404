/**
 * CSV as RFC 4180 writes it, safe to open in a spreadsheet: fields with a comma, a quote
 * or a line break are quoted (quotes doubled), lines end in CRLF, and a text cell that a
 * spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
 * return: OWASP, "CSV Injection") is prefixed with an apostrophe, so it shows as text.
 */
export type CsvValue = string | number | undefined | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers as they are, text guarded and quoted when needed. */
export function csvCell(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: the header line, then one line per row, each ending in CRLF. */
export function csvDocument(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
