//! A named text and the arithmetic between byte offsets and the line/column positions users see.

use serde::Serialize;

/// One input: the name the user gave (a path as given, or `<stdin>`) and its text, unchanged.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// Set by a face that sees the file system: this file is a template of the Helm chart in
    /// that directory (a `templates/` folder beside a `Chart.yaml`).
    pub chart: Option<String>,
    /// Why the input cannot be read as text (reported at `offset`; the text is not linted).
    pub unreadable: Option<Unreadable>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub offset: u32,
    pub message: String,
    /// Worth knowing, not an error (something skipped on purpose).
    pub info: bool,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: text.into(), chart: None, unreadable: None }
    }

    /// An input that is not read at all, with the reason.
    pub fn unreadable(name: impl Into<String>, message: impl Into<String>, info: bool) -> Self {
        let mut s = Self::new(name, String::new());
        s.unreadable = Some(Unreadable { offset: 0, message: message.into(), info });
        s
    }

    /// Text from raw bytes, as kubectl would take them: UTF-8 (a BOM is kept, positions count
    /// it). UTF-16 and bytes that are not UTF-8 are reported at their exact offset.
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        let name = name.into();
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Self::unreadable(
                name,
                "the file is UTF-16 (it starts with a UTF-16 byte-order mark); manifests are read as UTF-8: save it as UTF-8",
                false,
            );
        }
        match String::from_utf8(bytes) {
            Ok(text) => Self::new(name, text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[at];
                let looks_binary = e.as_bytes().iter().take(8192).filter(|&&b| b == 0).count() > 0;
                let message = if looks_binary {
                    format!("a binary file, not a text manifest (byte 0x{byte:02X} at offset {at} is not UTF-8)")
                } else {
                    format!(
                        "not UTF-8 text: byte 0x{byte:02X} at offset {at} is not valid UTF-8; save the file as UTF-8"
                    )
                };
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let mut s = Self::new(name, text);
                s.unreadable = Some(Unreadable { offset: to_u32(at), message, info: false });
                s
            }
        }
    }
}

/// How a face that reads files makes their sources, so that every face says the same about a
/// file it could not read or would not read.
impl Source {
    /// A file over the `file-bytes` limit, not read; `size` is what the face knows of it (its
    /// length on disk, or what it read of a pipe, one byte over the limit).
    pub fn too_large(name: impl Into<String>, size: u64, limits: &crate::limits::Limits) -> Self {
        let limit = limits.file_bytes as u64;
        let message = format!(
            "the file is {}{size} bytes, over the `file-bytes` limit of {limit} bytes: it is not read; {}",
            if size > limit { "more than " } else { "" },
            crate::limits::Limits::raise_hint("file-bytes")
        );
        Self::unreadable(name, message, false)
    }

    /// The bytes a face read, at most one byte over the `file-bytes` limit: too large, or
    /// [`Source::from_bytes`].
    pub fn from_read(name: impl Into<String>, bytes: Vec<u8>, limits: &crate::limits::Limits) -> Self {
        if bytes.len() > limits.file_bytes {
            Self::too_large(name, bytes.len() as u64, limits)
        } else {
            Self::from_bytes(name, bytes)
        }
    }

    /// A file that could not be opened; `why` is the system's reason.
    pub fn read_error(name: impl Into<String>, why: &str) -> Self {
        Self::unreadable(name, format!("cannot read the file: {why}"), false)
    }
}

/// A position in a file: 1-based line, 1-based column counted in Unicode scalar values, and the
/// 0-based byte offset. A byte-order mark counts in offsets but not in columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// A byte range `start..end` (end exclusive) into one source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.end == self.start
    }
}

/// Line starts of one text, for offset → position lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(to_u32(i + 1)),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(to_u32(i + 1)),
                _ => {}
            }
            i += 1;
        }
        Self { starts }
    }

    /// The position of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let line_start = self.starts[line] as usize;
        let column = text[line_start..offset].chars().filter(|&c| c != '\u{feff}' || line_start != 0).count();
        Position { line: to_u32(line + 1), column: to_u32(column + 1), offset: to_u32(offset) }
    }
}

/// Byte offsets in this crate are `u32`: inputs over 4 GiB are refused before they get here.
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The number of UTF-16 code units before a byte offset: what editors (LSP, CodeMirror, Monaco)
/// count. The one conversion the Wasm face and the playground use.
pub fn utf16_offset(text: &str, offset: u32) -> u32 {
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    to_u32(text[..offset].encode_utf16().count())
}

/// The names a Helm chart's own file goes by.
pub const CHART_FILES: &[&str] = &["Chart.yaml", "Chart.yml"];

/// The Helm chart a file is a template of, for [`Source::chart`]: going up from the file, each
/// folder named `templates` whose parent holds a `Chart.yaml` (`is_file` answers, as the face
/// sees its file system) makes that parent the chart; its folder name is returned. `path` is the
/// file's absolute, resolved path, `/`- or `\`-separated.
pub fn chart_of(path: &str, is_file: impl Fn(&str) -> bool) -> Option<String> {
    let seps: Vec<usize> = path.match_indices(['/', '\\']).map(|(i, _)| i).collect();
    // Ancestor folders end at each separator, nearest first; `seps[k]` ends `path[..seps[k]]`.
    for k in (1..seps.len()).rev() {
        let folder = &path[seps[k - 1] + 1..seps[k]];
        if folder != "templates" {
            continue;
        }
        let chart = &path[..seps[k - 1]];
        let sep = &path[seps[k - 1]..=seps[k - 1]];
        let chart_dir = if chart.is_empty() { sep } else { chart };
        if CHART_FILES.iter().any(|f| is_file(&format!("{chart}{sep}{f}"))) {
            let name = chart.rsplit(['/', '\\']).next().filter(|n| !n.is_empty());
            return Some(name.unwrap_or(chart_dir).to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_are_reported_at_their_offset() {
        let s = Source::from_bytes("a.yaml", b"a: 1\nb: \xff\n".to_vec());
        let u = s.unreadable.unwrap();
        assert_eq!(u.offset, 8);
        assert!(u.message.contains("0xFF at offset 8"));
        let s = Source::from_bytes("b.yaml", vec![0xFF, 0xFE, b'a', 0]);
        assert!(s.unreadable.unwrap().message.contains("UTF-16"));
        let s = Source::from_bytes("c.bin", vec![0, 1, 2, 0x80, 0]);
        assert!(s.unreadable.unwrap().message.contains("binary"));
        assert!(Source::from_bytes("d.yaml", "\u{feff}a: ü".as_bytes().to_vec()).unreadable.is_none());
    }

    #[test]
    fn positions_count_characters_and_skip_the_bom_in_columns() {
        let text = "\u{feff}a: 1\nb: ünï\r\nc: 🚀x\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 3), Position { line: 1, column: 1, offset: 3 });
        let b = text.find('b').unwrap();
        assert_eq!(idx.position(text, to_u32(b)).line, 2);
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, to_u32(x)), Position { line: 3, column: 5, offset: to_u32(x) });
        let d = text.find('d').unwrap();
        assert_eq!(idx.position(text, to_u32(d)), Position { line: 4, column: 1, offset: to_u32(d) });
        assert_eq!(utf16_offset(text, to_u32(x)), 19);
    }

    #[test]
    fn a_template_belongs_to_the_chart_above_its_templates_folder() {
        let files = ["/r/charts/web/Chart.yaml", "/r/other/Chart.yml", "/Chart.yaml", "C:\\c\\app\\Chart.yaml"];
        let is_file = |p: &str| files.contains(&p);
        assert_eq!(chart_of("/r/charts/web/templates/svc.yaml", is_file).as_deref(), Some("web"));
        assert_eq!(chart_of("/r/charts/web/templates/sub/svc.yaml", is_file).as_deref(), Some("web"));
        assert_eq!(chart_of("/r/other/templates/svc.yaml", is_file).as_deref(), Some("other"));
        assert_eq!(chart_of("/r/charts/api/templates/svc.yaml", is_file), None, "no Chart.yaml");
        assert_eq!(chart_of("/r/charts/web/svc.yaml", is_file), None, "not under templates/");
        assert_eq!(chart_of("/templates/svc.yaml", is_file).as_deref(), Some("/"));
        assert_eq!(chart_of("C:\\c\\app\\templates\\svc.yaml", is_file).as_deref(), Some("app"));
        assert_eq!(chart_of("svc.yaml", is_file), None);
    }
}
