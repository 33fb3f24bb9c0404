/**
 * The name a self-registered or metadata-document client gives itself, made fit to show
 * on the consent page and /account: control, zero-width and bidirectional-override
 * characters removed (they could make "Claude" look like something else, or the reverse),
 * spaces collapsed, at most 100 characters. Templates escape it as well.
 */
const INVISIBLE: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x0008],
  [0x000e, 0x001f],
  [0x007f, 0x009f],
  [0x00ad, 0x00ad],
  [0x061c, 0x061c],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x2066, 0x2069],
  [0xfeff, 0xfeff],
];

function visible(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return !INVISIBLE.some(([from, to]) => code >= from && code <= to);
}

export function readableClientName(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  // Tabs and newlines (0x09 to 0x0d) are kept for the whitespace collapse below.
  const cleaned = [...value].filter(visible).join('').replace(/\s+/g, ' ').trim();
  if (!cleaned) return fallback;
  return cleaned.length > 100 ? `${cleaned.slice(0, 99)}…` : cleaned;
}
