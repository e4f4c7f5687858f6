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
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
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
    }
}
