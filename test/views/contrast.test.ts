import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const css = readFileSync(path.join(repoRoot, 'views', 'assets', 'larder.css'), 'utf8');

/** The custom properties of the first `:root { … }` after `from` in the stylesheet. */
function palette(from: number): Record<string, string> {
  const start = css.indexOf(':root', from);
  const block = css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function ratio(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

/** Text on a background, as the stylesheet pairs them (WCAG 2.2 1.4.3: 4.5:1 for body text). */
const TEXT_PAIRS: Array<[string, string]> = [
  ['ink', 'bg'], ['ink', 'surface'], ['muted', 'bg'], ['muted', 'surface'], ['accent', 'bg'], ['accent', 'surface'],
  ['accent-ink', 'accent'], ['error', 'bg'], ['error', 'surface'], ['ink', 'error-bg'], ['ink', 'ok-bg'], ['muted', 'ok-bg'], ['bg', 'error'],
];

describe('the colour schemes keep text readable', () => {
  const schemes = { light: palette(0), dark: palette(css.indexOf('prefers-color-scheme: dark')) };

  test('both schemes define the same colours, and the dark one follows the system setting', () => {
    assert.match(css, /@media \(prefers-color-scheme: dark\)/);
    assert.deepEqual(Object.keys(schemes.dark).sort(), Object.keys(schemes.light).sort());
    assert.ok(luminance(schemes.dark.bg!) < 0.02 && luminance(schemes.light.bg!) > 0.9);
  });

  for (const [scheme, colours] of Object.entries(schemes)) {
    test(`${scheme}: every text colour on its background reaches 4.5:1, the focus ring 3:1`, () => {
      for (const [fg, bg] of TEXT_PAIRS) assert.ok(ratio(colours[fg]!, colours[bg]!) >= 4.5, `${fg} on ${bg}: ${ratio(colours[fg]!, colours[bg]!).toFixed(2)}:1`);
      // WCAG 2.2 1.4.11: non-text contrast for the focus indicator.
      assert.ok(ratio(colours.focus!, colours.bg!) >= 3, `focus ring: ${ratio(colours.focus!, colours.bg!).toFixed(2)}:1`);
    });
  }

  test('no colour is written outside the two palettes', () => {
    const outside = css.replace(/:root\s*\{[^}]*\}/g, '');
    assert.deepEqual(outside.match(/#[0-9a-f]{3,6}\b/gi) ?? [], []);
  });
});
