import { ImportError } from '../../errors.js';

/**
 * One line of an SR28 ASCII file: fields separated by `^`, text fields wrapped in
 * `~`. Returns the fields with the tildes removed. A wrong field count is how a
 * truncated last line or a stray separator shows, so it names both counts.
 */
export function splitSrLine(text: string, fieldCount: number, location: string): string[] {
  const raw = text.split('^');
  if (raw.length !== fieldCount) {
    throw new ImportError(
      location,
      `expected ${fieldCount} fields separated by "^", found ${raw.length}` +
        (raw.length < fieldCount ? ' (the line or file may be truncated)' : ''),
    );
  }
  return raw.map((field, index) => {
    if (!field.startsWith('~')) return field;
    if (field.length < 2 || !field.endsWith('~')) {
      throw new ImportError(location, `field ${index + 1} opens a text value with "~" but does not close it`);
    }
    return field.slice(1, -1);
  });
}

/** A required number: SR28 writes plain decimals such as `0.85`, `.5` or `150`. */
export function srNumber(value: string | undefined, fieldName: string, location: string): number {
  const trimmed = (value ?? '').trim();
  // Number() alone would accept "", "0x1A" and "Infinity"; SR28 only writes decimals.
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(trimmed)) {
    throw new ImportError(location, `${fieldName} must be a number, found ${JSON.stringify(value ?? '')}`);
  }
  return Number(trimmed);
}

/** A required text field (codes, descriptions). */
export function srText(value: string | undefined, fieldName: string, location: string): string {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') throw new ImportError(location, `${fieldName} is empty`);
  return trimmed;
}
