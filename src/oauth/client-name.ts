/**
 * The name a self-registered or metadata-document client gives itself, made fit to show
 * on the consent page and /account: control, zero-width and bidirectional-override
 * characters removed (they could make "Claude" look like something else, or the reverse),
 * spaces collapsed, at most 100 characters. Templates escape it as well.
 */
export function readableClientName(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  const cleaned = value
    .replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!cleaned) return fallback;
  return cleaned.length > 100 ? `${cleaned.slice(0, 99)}…` : cleaned;
}
