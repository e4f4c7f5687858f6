// The one conversion between the positions of the JSON contract and the editor's.
//
// docs/json.md gives `offset` as a 0-based byte offset into the UTF-8 text (columns count
// Unicode scalar values); CodeMirror counts UTF-16 code units. `utf16Offsets` maps byte offsets
// to UTF-16 offsets in one pass over the text, for any number of offsets in any order.
//
// A byte offset inside a character maps to that character's start; one past the end maps to
// `text.length`. A lone surrogate counts as the three bytes of U+FFFD, as the TextEncoder that
// hands the text to the Wasm module encodes it.

/**
 * @param {string} text the text that was linted
 * @param {number[]} byteOffsets byte offsets into its UTF-8 encoding
 * @returns {number[]} the UTF-16 offsets, in the order given
 */
export function utf16Offsets(text, byteOffsets) {
  const order = byteOffsets.map((_, k) => k).sort((a, b) => byteOffsets[a] - byteOffsets[b]);
  const out = new Array(byteOffsets.length);
  let byte = 0;
  let unit = 0;
  for (const k of order) {
    const target = byteOffsets[k];
    while (unit < text.length) {
      const c = text.charCodeAt(unit);
      let bytes = 3;
      let units = 1;
      if (c < 0x80) bytes = 1;
      else if (c < 0x800) bytes = 2;
      else if (c >= 0xd800 && c <= 0xdbff && unit + 1 < text.length && (text.charCodeAt(unit + 1) & 0xfc00) === 0xdc00) {
        bytes = 4;
        units = 2;
      }
      if (byte + bytes > target) break;
      byte += bytes;
      unit += units;
    }
    out[k] = unit;
  }
  return out;
}
