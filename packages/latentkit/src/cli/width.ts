// How many terminal columns a text takes, so that columns of CJK texts line up: East Asian
// wide and fullwidth characters (Han, kana, Hangul, fullwidth forms, most emoji) take two
// columns, combining marks and zero-width characters none, everything else one.

// Ranges of Unicode's East_Asian_Width W and F, merged where adjacent (the blocks that hold them).
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2e80, 0x303e], // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility, Kanbun, CJK strokes, enclosed, compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x1f300, 0x1f64f], // pictographs, emoticons
  [0x1f900, 0x1f9ff], // supplemental symbols and pictographs
  [0x20000, 0x3fffd], // CJK extensions B and later, planes 2 and 3
];

const ZERO = /[\p{Mn}\p{Me}\u200b-\u200f\u2060\ufeff]/u;

function isWide(cp: number): boolean {
  for (const [lo, hi] of WIDE) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

/** Terminal columns of `s` (an estimate: terminals differ on ambiguous-width characters). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ZERO.test(ch) ? 0 : isWide(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

/** `s` followed by spaces up to `columns` terminal columns (unchanged when already that wide). */
export function padColumns(s: string, columns: number): string {
  return s + " ".repeat(Math.max(0, columns - displayWidth(s)));
}
