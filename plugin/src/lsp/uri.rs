//! `file:` URIs to and from paths. The server names files by path (as the command line does);
//! the protocol by URI. Open documents keep the URI the client sent, so what the server
//! publishes for them matches the client's spelling whatever its escaping.

use std::path::{Path, PathBuf};

/// The path of a `file:` URI (`file:///a/b`, `file://localhost/a/b`), percent-decoded; `None`
/// for another scheme, a remote host, or an escape that is not UTF-8.
pub fn to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://").or_else(|| uri.strip_prefix("FILE://"))?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    // A query or fragment is not part of the path.
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = decode(rest)?;
    // `file:///C:/x` on Windows is `C:/x`.
    let windows_drive = cfg!(windows)
        && decoded.len() >= 3
        && decoded.as_bytes()[2] == b':'
        && decoded.as_bytes()[1].is_ascii_alphabetic();
    Some(PathBuf::from(if windows_drive { &decoded[1..] } else { &decoded[..] }))
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of an absolute path: every byte but letters, digits, `-._~/` escaped (the
/// core's escaping, as SARIF's URIs have it).
pub fn from_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let root = if text.starts_with('/') { "" } else { "/" };
    format!("file://{root}{}", realip_lint_core::emit::uri_escape(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_uris_round_trip() {
        for p in ["/srv/deploy/web.yaml", "/tmp/a b/ü #1%.yaml", "/x/[y]/z@1:2.yml"] {
            let uri = from_path(Path::new(p));
            assert!(uri.starts_with("file:///"), "{uri}");
            assert!(!uri.contains([' ', '#', '[', '@']), "{uri}");
            assert_eq!(to_path(&uri).as_deref(), Some(Path::new(p)), "{uri}");
        }
        assert_eq!(from_path(Path::new("/tmp/a b/ü.yaml")), "file:///tmp/a%20b/%C3%BC.yaml");
    }

    #[test]
    fn what_clients_send_is_read() {
        assert_eq!(to_path("file:///tmp/a%20b.yaml").unwrap(), Path::new("/tmp/a b.yaml"));
        assert_eq!(to_path("file:///tmp/a b.yaml").unwrap(), Path::new("/tmp/a b.yaml"), "unescaped");
        assert_eq!(to_path("file://localhost/etc/x.yaml").unwrap(), Path::new("/etc/x.yaml"));
        assert_eq!(to_path("file:///tmp/x.yaml#L3").unwrap(), Path::new("/tmp/x.yaml"));
        assert_eq!(to_path("untitled:Untitled-1"), None);
        assert_eq!(to_path("file://server/share/x.yaml"), None, "a remote host");
        assert_eq!(to_path("file:///bad%zz"), None);
        assert_eq!(to_path("file:///bad%FF"), None, "not UTF-8");
    }
}
