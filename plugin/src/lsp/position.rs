//! Byte offsets (what the core's spans and positions carry) to and from the protocol's positions:
//! 0-based lines and characters counted in the code units the client negotiated (UTF-8, UTF-16
//! by default, or UTF-32).

use lsp_types::{Position, PositionEncodingKind, Range};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The client's first encoding that the server knows (its list is in its order of
    /// preference); UTF-16, which every client supports, when it names none.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        offered
            .unwrap_or_default()
            .iter()
            .find_map(|k| match k.as_str() {
                "utf-8" => Some(Encoding::Utf8),
                "utf-16" => Some(Encoding::Utf16),
                "utf-32" => Some(Encoding::Utf32),
                _ => None,
            })
            .unwrap_or(Encoding::Utf16)
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// How many code units this character counts.
    fn units(self, c: char) -> u32 {
        let n = match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        };
        u32::try_from(n).unwrap_or(1)
    }
}

/// The line starts of one text. Line breaks are `\n`, `\r\n` and `\r`, as for the core and the
/// protocol. A byte-order mark is not part of the first line's characters: editors do not show
/// it (nor the core's columns count it).
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<u32>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(to_u32(i + 1));
            }
        }
        Self { starts }
    }

    /// Where the characters of line `line` start (after a byte-order mark on the first).
    fn line_start(&self, text: &str, line: usize) -> usize {
        let start = self.starts[line] as usize;
        if line == 0 && text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { start }
    }

    /// The protocol position of a byte offset: the one conversion every range the server sends
    /// goes through. The offset is clamped to the text and moved back to a character boundary.
    pub fn position(&self, text: &str, offset: u32, encoding: Encoding) -> Position {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.line_start(text, line).min(offset);
        let before = &text[start..offset];
        let character = match encoding {
            Encoding::Utf8 => to_u32(before.len()),
            // The core's count, which the Wasm face and the playground use too.
            Encoding::Utf16 => realip_lint_core::source::utf16_offset(before, to_u32(before.len())),
            Encoding::Utf32 => to_u32(before.chars().count()),
        };
        Position { line: to_u32(line), character }
    }

    pub fn range(&self, text: &str, start: u32, end: u32, encoding: Encoding) -> Range {
        Range { start: self.position(text, start, encoding), end: self.position(text, end, encoding) }
    }

    /// The byte offset of a protocol position. A line past the end is the end of the text; a
    /// character past the end of its line is the line's end (before its line break); a
    /// position inside a character (half a UTF-16 surrogate pair) is the character's start.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> u32 {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return to_u32(text.len());
        }
        let start = self.line_start(text, line);
        let end = self.starts.get(line + 1).map_or(text.len(), |&s| s as usize);
        let content = text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0;
        for (i, c) in content.char_indices() {
            let next = units + encoding.units(c);
            if next > position.character {
                return to_u32(start + i);
            }
            units = next;
        }
        to_u32(start + content.len())
    }
}

/// Apply one `textDocument/didChange` content change to a document's text: `range` replaced by
/// `new`, or the whole text when there is no range.
pub fn apply_change(text: &mut String, range: Option<Range>, new: &str, encoding: Encoding) {
    let Some(range) = range else {
        new.clone_into(text);
        return;
    };
    let lines = Lines::new(text);
    let a = lines.offset(text, range.start, encoding) as usize;
    let b = lines.offset(text, range.end, encoding) as usize;
    text.replace_range(a.min(b)..a.max(b), new);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    /// Every character boundary converts to a position and back to itself, in every encoding.
    fn round_trips(text: &str) {
        let lines = Lines::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let p = lines.position(text, to_u32(i), enc);
                let back = lines.offset(text, p, enc) as usize;
                // A line break's own offset maps to the end of its line, which is itself; the
                // `\n` of a `\r\n` has no position of its own (it is the `\r`'s line end).
                let crlf_middle = i > 0 && text.as_bytes()[i - 1] == b'\r' && text.as_bytes().get(i) == Some(&b'\n');
                let bom = i == 0 && text.starts_with('\u{feff}');
                if !crlf_middle && !bom {
                    assert_eq!(back, i, "{enc:?} {text:?} at {i}: {p:?}");
                }
            }
        }
    }

    #[test]
    fn offsets_become_positions_in_each_encoding() {
        // `é` is 2 bytes, 1 UTF-16 unit; `😀` 4 bytes, 2 UTF-16 units; both 1 UTF-32 unit.
        let text = "a: é😀x\nb: 1\n";
        let lines = Lines::new(text);
        let x = to_u32(text.find('x').unwrap());
        assert_eq!(lines.position(text, x, Encoding::Utf8), pos(0, 9));
        assert_eq!(lines.position(text, x, Encoding::Utf16), pos(0, 6));
        assert_eq!(lines.position(text, x, Encoding::Utf32), pos(0, 5));
        let b = to_u32(text.find('b').unwrap());
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            assert_eq!(lines.position(text, b, enc), pos(1, 0));
            assert_eq!(lines.position(text, b + 3, enc), pos(1, 3));
        }
        // Clamped: past the end, and inside a character (back to its start).
        assert_eq!(lines.position(text, 999, Encoding::Utf16), pos(2, 0));
        assert_eq!(lines.position(text, 4, Encoding::Utf16), pos(0, 3), "inside `é`");
    }

    #[test]
    fn line_breaks_and_the_byte_order_mark() {
        let text = "\u{feff}a: 1\r\nb: 2\rc: é\n";
        let lines = Lines::new(text);
        assert_eq!(lines.position(text, 3, Encoding::Utf16), pos(0, 0), "the BOM is not a character");
        assert_eq!(lines.position(text, 6, Encoding::Utf8), pos(0, 3));
        let b = to_u32(text.find('b').unwrap());
        assert_eq!(lines.position(text, b, Encoding::Utf16), pos(1, 0), "after CRLF");
        let c = to_u32(text.find('c').unwrap());
        assert_eq!(lines.position(text, c, Encoding::Utf16), pos(2, 0), "after a lone CR");
        assert_eq!(lines.offset(text, pos(0, 0), Encoding::Utf16), 3);
        assert_eq!(lines.offset(text, pos(0, 99), Encoding::Utf16), 7, "clamped before the CRLF");
        assert_eq!(lines.offset(text, pos(2, 4), Encoding::Utf8), c + 3, "inside `é`: its start");
        assert_eq!(lines.offset(text, pos(9, 0), Encoding::Utf8), to_u32(text.len()));
        round_trips(text);
        round_trips("😀😀\n\n\ré\r\n x");
        round_trips("");
    }

    #[test]
    fn half_a_surrogate_pair_is_the_characters_start() {
        let text = "😀x";
        let lines = Lines::new(text);
        assert_eq!(lines.offset(text, pos(0, 1), Encoding::Utf16), 0);
        assert_eq!(lines.offset(text, pos(0, 2), Encoding::Utf16), 4);
        assert_eq!(lines.offset(text, pos(0, 1), Encoding::Utf32), 4);
        assert_eq!(lines.offset(text, pos(0, 2), Encoding::Utf8), 0);
    }

    #[test]
    fn changes_apply_in_the_negotiated_encoding() {
        let mut text = "a: é😀x\nb: 1\n".to_owned();
        let r = |a: Position, b: Position| Some(Range { start: a, end: b });
        apply_change(&mut text, r(pos(0, 6), pos(0, 7)), "y", Encoding::Utf16);
        assert_eq!(text, "a: é😀y\nb: 1\n");
        apply_change(&mut text, r(pos(0, 3), pos(0, 5)), "", Encoding::Utf8);
        assert_eq!(text, "a: 😀y\nb: 1\n");
        apply_change(&mut text, r(pos(0, 4), pos(1, 1)), "Z", Encoding::Utf32);
        assert_eq!(text, "a: 😀Z: 1\n");
        apply_change(&mut text, None, "new", Encoding::Utf16);
        assert_eq!(text, "new");
    }

    #[test]
    fn the_clients_preference_wins_and_utf16_is_the_default() {
        let offered = [PositionEncodingKind::new("utf-7"), PositionEncodingKind::UTF32, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(Some(&[PositionEncodingKind::UTF8])), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[])), Encoding::Utf16);
    }
}
