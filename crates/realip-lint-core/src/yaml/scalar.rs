//! Scalar resolution as Kubernetes does it: kubectl reads YAML through sigs.k8s.io/yaml, which is
//! go-yaml v2, a YAML 1.1 resolver (`yes`/`on` are booleans, `0755` is octal), then goes through
//! JSON (so `1.0` reaches an integer field as `1`).

use serde_json::{Map, Number, Value};

use super::{Node, NodeKind, YamlProblem};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// What a plain (unquoted, untagged) scalar means to go-yaml v2.
pub fn resolve_plain(s: &str) -> Resolved {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Resolved::Str;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_int(&plain) {
        return Resolved::Int(i);
    }
    if is_float_syntax(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Resolved::Float(f);
    }
    Resolved::Str
}

fn parse_int(s: &str) -> Option<i64> {
    parse_wide_int(s).and_then(|v| i64::try_from(v).ok())
}

/// Why kubectl refuses a mapping key, if it does: sigs.k8s.io/yaml turns keys into JSON
/// strings only from strings, `int`, `int64`, `float64` and `bool` (`unsupported map key of
/// type`), so a null key, and an integer go-yaml v2 reads as `uint64` (above the int64 range),
/// fail the document.
pub fn refused_key(value: &str, plain: bool, tag: Option<&str>) -> Option<&'static str> {
    let resolves = match tag {
        Some("str") => false,
        Some("int" | "null") => true,
        Some(_) => false,
        None => plain,
    };
    if !resolves {
        return None;
    }
    if resolve_plain(value) == Resolved::Null || tag == Some("null") {
        return Some("a null key");
    }
    let digits: String = value.chars().filter(|&c| c != '_').collect();
    match parse_wide_int(&digits) {
        Some(v) if v > i128::from(i64::MAX) && v <= i128::from(u64::MAX) => {
            Some("an integer key above the int64 range")
        }
        _ => None,
    }
}

fn parse_wide_int(s: &str) -> Option<i128> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(r) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = digits.strip_prefix("0b").or_else(|| digits.strip_prefix("0B")) {
        (2, r)
    } else if let Some(r) = digits.strip_prefix("0o").or_else(|| digits.strip_prefix("0O")) {
        (8, r)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(body, radix).ok()?;
    Some(if neg { -v } else { v })
}

fn is_float_syntax(s: &str) -> bool {
    let b = s.trim_start_matches(['-', '+']);
    !b.is_empty()
        && b.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && b.chars().any(|c| c.is_ascii_digit())
}

/// The JSON value of a scalar node, as sigs.k8s.io/yaml would produce it.
pub fn scalar_json(value: &str, plain: bool, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::String(value.to_owned()),
        Some("int" | "float" | "bool" | "null") => return json_of(resolve_plain(value), value),
        _ => {}
    }
    if plain { json_of(resolve_plain(value), value) } else { Value::String(value.to_owned()) }
}

fn json_of(r: Resolved, raw: &str) -> Value {
    match r {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Number(i.into()),
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        Resolved::Float(f) => {
            // Go's encoding/json writes an integral float64 without a fraction, so `1.0`
            // reaches an integer field as `1`.
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Value::Number((f as i64).into())
            } else {
                Number::from_f64(f).map_or_else(|| Value::String(raw.to_owned()), Value::Number)
            }
        }
        Resolved::Str => Value::String(raw.to_owned()),
    }
}

/// The JSON text of a mapping key, as sigs.k8s.io/yaml writes non-string keys.
fn key_string(node: &Node) -> Result<String, YamlProblem> {
    match &node.kind {
        NodeKind::Scalar(s) => Ok(match scalar_json(&s.value, s.plain, s.tag.as_deref()) {
            Value::String(v) => v,
            Value::Null => "null".into(),
            other => other.to_string(),
        }),
        _ => Err(YamlProblem {
            span: node.span,
            message: "a mapping key must be a string, not a collection".into(),
            related: None,
            level: super::Level::Fatal,
        }),
    }
}

/// Convert a node tree to JSON, as kubectl does before it decodes an object.
pub fn to_json(node: &Node) -> Result<Value, YamlProblem> {
    Ok(match &node.kind {
        NodeKind::Scalar(s) => scalar_json(&s.value, s.plain, s.tag.as_deref()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        NodeKind::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                map.insert(key_string(k)?, to_json(v)?);
            }
            Value::Object(map)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_resolution() {
        assert_eq!(resolve_plain("yes"), Resolved::Bool(true));
        assert_eq!(resolve_plain("Off"), Resolved::Bool(false));
        assert_eq!(resolve_plain("0755"), Resolved::Int(493));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("-3"), Resolved::Int(-3));
        assert_eq!(resolve_plain("1.5"), Resolved::Float(1.5));
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain("25%"), Resolved::Str);
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str);
        assert_eq!(resolve_plain("v1"), Resolved::Str);
        assert_eq!(resolve_plain("0.0.0.0/0"), Resolved::Str);
        assert_eq!(scalar_json("1.0", true, None), serde_json::json!(1));
        assert_eq!(scalar_json("true", false, None), serde_json::json!("true"));
        assert_eq!(scalar_json("3", true, Some("str")), serde_json::json!("3"));
        assert_eq!(resolve_plain("9223372036854775808"), Resolved::Float(9_223_372_036_854_775_808.0));
    }

    #[test]
    fn keys_sigs_yaml_cannot_convert() {
        assert!(refused_key("~", true, None).is_some());
        assert!(refused_key("", true, None).is_some());
        assert!(refused_key("9223372036854775808", true, None).is_some());
        assert!(refused_key("18446744073709551615", true, None).is_some());
        assert!(refused_key("9223372036854775807", true, None).is_none());
        assert!(refused_key("18446744073709551616", true, None).is_none(), "a float64 key");
        assert!(refused_key("null", false, None).is_none(), "quoted");
        assert!(refused_key("9223372036854775808", true, Some("str")).is_none());
        assert!(refused_key("app", true, None).is_none());
    }
}
