/**
 * "MOCHI ICE CREAM BONBONS" -> "Mochi ice cream bonbons". Branded food names come
 * from label data in capitals, which reads as shouting next to USDA's other names.
 * Text that already has lower-case letters was written with care: left alone.
 */
export function sentenceCase(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed !== trimmed.toUpperCase()) return trimmed;
  const lower = trimmed.toLowerCase();
  return lower.replace(/\p{L}/u, (first) => first.toUpperCase());
}
