//! JSON documents → fact values. gate's own namespaces are checked against their schema (a wrong
//! type or an unknown field is an error at its JSON pointer); custom namespaces are plain JSON.

use super::pointer::escape;
use crate::diag::suggestion;
use crate::license::License;
use crate::schema::{self, Field, FieldType};
use crate::value::{Malformed, Record, Severity, Value, Weekday, parse_duration};
use rust_decimal::Decimal;
use serde_json::Value as J;
use std::sync::Arc;

/// A problem in a fact document, at a JSON pointer.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaError {
    pub pointer: String,
    pub message: String,
    pub help: Option<String>,
}

/// At most this many schema errors are reported for one document.
const MAX_ERRORS: usize = 50;

fn number(n: &serde_json::Number) -> Option<Decimal> {
    let text = n.to_string();
    Decimal::from_str_exact(&text)
        .ok()
        .or_else(|| Decimal::from_scientific(&text).ok())
}

/// Field names shared by every record that has them: a list of ten thousand packages holds
/// each name once, and lookups compare short, cache-warm strings.
#[derive(Default)]
struct Keys(std::collections::HashMap<String, Arc<str>>);

impl Keys {
    fn get(&mut self, k: &str) -> Arc<str> {
        if let Some(a) = self.0.get(k) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(k);
        self.0.insert(k.to_string(), a.clone());
        a
    }
}

/// Plain JSON, for custom namespaces: numbers stay exact decimals.
pub fn plain(j: &J) -> Value {
    plain_with(j, &mut Keys::default())
}

fn plain_with(j: &J, keys: &mut Keys) -> Value {
    match j {
        J::Null => Value::None,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match number(n) {
            Some(d) => Value::Number(d),
            None => Value::Malformed(Arc::new(Malformed {
                text: n.to_string(),
                why: format!("`{n}` is outside the range of exact decimal numbers"),
            })),
        },
        J::String(s) => Value::Str(Arc::from(s.as_str())),
        J::Array(items) => Value::List(items.iter().map(|i| plain_with(i, keys)).collect()),
        J::Object(map) => Value::Record(Arc::new(Record {
            fields: map
                .iter()
                .map(|(k, v)| (keys.get(k), plain_with(v, keys)))
                .collect(),
        })),
    }
}

struct Typer {
    keys: Keys,
    errors: Vec<SchemaError>,
    dropped: usize,
    notes: Vec<SchemaError>,
}

impl Typer {
    fn err(&mut self, pointer: &str, message: String, help: Option<String>) -> Value {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(SchemaError {
                pointer: pointer.to_string(),
                message,
                help,
            });
        } else {
            self.dropped += 1;
        }
        Value::None
    }

    fn record(&mut self, j: &J, fields: &'static [Field], ptr: &str) -> Value {
        let J::Object(map) = j else {
            return self.err(
                ptr,
                format!("expected an object, found {}", json_kind(j)),
                None,
            );
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map {
            let here = format!("{ptr}/{}", escape(k));
            match schema::field(fields, k) {
                Some(f) => {
                    let value = if v.is_null() {
                        if f.optional {
                            Value::None
                        } else {
                            self.err(
                                &here,
                                format!("`{k}` is null, but it is not an optional field"),
                                Some(format!(
                                    "give it a value ({}) or leave the field out",
                                    schema::type_name(&f.ty)
                                )),
                            )
                        }
                    } else {
                        self.typed(v, &f.ty, &here)
                    };
                    out.push((self.keys.get(k), value));
                }
                None => {
                    let help = suggestion(k, fields.iter().map(|f| f.name)).or_else(|| {
                        Some(format!(
                            "the fields here are {}",
                            fields
                                .iter()
                                .map(|f| format!("`{}`", f.name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    });
                    self.err(&here, format!("unknown field `{k}`"), help);
                }
            }
        }
        Value::Record(Arc::new(Record { fields: out }))
    }

    fn typed(&mut self, j: &J, ty: &FieldType, ptr: &str) -> Value {
        use FieldType as T;
        let want = |t: &mut Self, what: &str| {
            t.err(
                ptr,
                format!("expected {what}, found {}", json_kind(j)),
                None,
            )
        };
        match (ty, j) {
            (T::Any, _) => plain_with(j, &mut self.keys),
            (T::Bool, J::Bool(b)) => Value::Bool(*b),
            (T::Number, J::Number(n)) => match number(n) {
                Some(d) => Value::Number(d),
                None => want(self, "a number in range"),
            },
            (T::Percent, J::Number(n)) => match number(n) {
                Some(d) => Value::Percent(d),
                None => want(self, "a ratio"),
            },
            (T::Size, J::Number(n)) => match number(n) {
                Some(d) if d >= Decimal::ZERO => Value::Size(d),
                _ => want(self, "a size in bytes"),
            },
            (T::Str, J::String(s)) => Value::Str(Arc::from(s.as_str())),
            (T::Enum(values), J::String(s)) => {
                if values.contains(&s.as_str()) {
                    Value::Str(Arc::from(s.as_str()))
                } else {
                    let help = suggestion(s, values.iter().copied())
                        .or_else(|| Some(format!("the values are {}", values.join(", "))));
                    self.err(ptr, format!("`{s}` is not one of the allowed values"), help)
                }
            }
            (T::Duration, J::String(s)) => match parse_duration(s) {
                Some(d) => Value::Duration(d),
                None => self.err(
                    ptr,
                    format!("`{s}` is not a duration"),
                    Some("write a number with a unit: `212.5ms`, `1.2s`, `10m`".into()),
                ),
            },
            (T::Date, J::String(s)) => match s.parse::<jiff::civil::Date>() {
                Ok(d) => Value::Date(d),
                Err(_) => self.err(ptr, format!("`{s}` is not a date (YYYY-MM-DD)"), None),
            },
            (T::DateTime, J::String(s)) => match crate::value::parse_datetime(s) {
                Some(z) => Value::DateTime(Arc::new(z)),
                None => self.err(
                    ptr,
                    format!("`{s}` is not an RFC 3339 datetime with an offset"),
                    Some("write e.g. `2026-11-27T16:55:00-05:00`".into()),
                ),
            },
            (T::Time, J::String(s)) => match crate::value::parse_time(s) {
                Some(t) => Value::Time(t),
                None => self.err(ptr, format!("`{s}` is not a time of day (HH:MM:SS)"), None),
            },
            (T::Weekday, J::String(s)) => match Weekday::parse(s) {
                Some(w) => Value::Weekday(w),
                None => self.err(ptr, format!("`{s}` is not a weekday"), None),
            },
            (T::Severity, J::String(s)) => match Severity::parse(s) {
                Some(v) => Value::Severity(v),
                None => self.err(
                    ptr,
                    format!("`{s}` is not a severity"),
                    Some("the severities are info, low, medium, high and critical".into()),
                ),
            },
            (T::Version, J::String(s)) => match semver::Version::parse(s) {
                Ok(v) => Value::Version(Arc::new(v)),
                Err(e) => Value::Malformed(Arc::new(Malformed {
                    text: s.clone(),
                    why: format!("`{s}` is not a semver version: {e}"),
                })),
            },
            (T::License, J::String(s)) => match License::parse(s) {
                Ok(l) => {
                    for note in l.notes() {
                        self.notes.push(SchemaError {
                            pointer: ptr.to_string(),
                            message: note.clone(),
                            help: None,
                        });
                    }
                    Value::License(Arc::new(l))
                }
                Err(e) => Value::Malformed(Arc::new(Malformed {
                    text: s.clone(),
                    why: e.message,
                })),
            },
            (T::List(inner), J::Array(items)) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let here = format!("{ptr}/{i}");
                        if item.is_null() {
                            self.err(&here, "a list element is null".into(), None)
                        } else {
                            self.typed(item, inner, &here)
                        }
                    })
                    .collect(),
            ),
            (T::Record(fields), _) => self.record(j, fields, ptr),
            (t, _) => {
                let what = schema::type_name(t);
                let what = match t {
                    T::List(_) => format!("a {what}"),
                    T::Duration => "a duration string such as \"212.5ms\"".into(),
                    T::Percent => "a ratio (a number; 1 is 100%)".into(),
                    T::Size => "a size in bytes (a number)".into(),
                    _ => format!("a {what}"),
                };
                want(self, &what)
            }
        }
    }
}

/// Checks and converts a document for one of gate's own namespaces.
pub fn typed_namespace(
    j: &J,
    ns: &'static schema::Namespace,
) -> Result<Value, (Vec<SchemaError>, usize)> {
    typed_namespace_with_notes(j, ns).map(|(v, _)| v)
}

/// Like [`typed_namespace`], with the notes on how values were read (a deprecated license id
/// read as its current name), each at its pointer.
pub fn typed_namespace_with_notes(
    j: &J,
    ns: &'static schema::Namespace,
) -> Result<(Value, Vec<SchemaError>), (Vec<SchemaError>, usize)> {
    let mut t = Typer {
        keys: Keys::default(),
        errors: Vec::new(),
        dropped: 0,
        notes: Vec::new(),
    };
    let v = if ns.list {
        match j {
            J::Array(items) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| t.record(item, ns.fields, &format!("/{i}")))
                    .collect(),
            ),
            other => t.err(
                "",
                format!("expected a list of records, found {}", json_kind(other)),
                None,
            ),
        }
    } else {
        t.record(j, ns.fields, "")
    };
    if t.errors.is_empty() {
        Ok((v, t.notes))
    } else {
        Err((t.errors, t.dropped))
    }
}

pub fn json_kind(j: &J) -> &'static str {
    match j {
        J::Null => "null",
        J::Bool(_) => "a boolean",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
    }
}

/// A producer's document as gate's namespace `name`. The producer built it, so a mismatch with
/// the schema is gate's own bug, reported as such rather than blamed on the user's input.
pub fn produced(name: &str, doc: &J) -> Result<Value, Vec<crate::diag::Diagnostic>> {
    use crate::diag::Diagnostic;
    let Some(ns) = schema::namespace(name) else {
        return Err(vec![Diagnostic::error(
            "internal",
            format!("gate has no `{name}` schema"),
        )]);
    };
    typed_namespace(doc, ns).map_err(|(errors, _)| {
        errors
            .into_iter()
            .map(|e| {
                Diagnostic::error(
                    "internal",
                    format!(
                        "gate built `{name}{}` wrongly: {} (please report this)",
                        e.pointer, e.message
                    ),
                )
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_ns(text: &str) -> Result<Value, (Vec<SchemaError>, usize)> {
        let j: J = serde_json::from_str(text).unwrap_or(J::Null);
        let ns = schema::namespace("load").ok_or((Vec::new(), 0))?;
        typed_namespace(&j, ns)
    }

    #[test]
    fn typed_values_follow_the_schema() {
        let v = load_ns(r#"{"latency": {"p99": "312ms"}, "requests": {"error_rate": 0.0007}}"#);
        let Ok(Value::Record(r)) = v else {
            unreachable!("not a record: {v:?}")
        };
        let Some(Value::Record(lat)) = r.get("latency") else {
            unreachable!()
        };
        assert_eq!(lat.get("p99").map(|v| v.to_string()), Some("312ms".into()));
    }

    #[test]
    fn wrong_types_and_unknown_fields_are_located() {
        let Err((errors, _)) =
            load_ns(r#"{"latency": {"p99": 312, "p9999": "1ms"}, "model": "opne"}"#)
        else {
            unreachable!("should fail")
        };
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/latency/p99", "/latency/p9999", "/model"]);
        assert_eq!(errors[1].help.as_deref(), Some("did you mean `p999`?"));
        assert_eq!(errors[2].help.as_deref(), Some("did you mean `open`?"));
    }

    #[test]
    fn null_only_in_optional_fields() {
        assert!(load_ns(r#"{"target_rate": null}"#).is_ok());
        assert!(load_ns(r#"{"tool": null}"#).is_err());
    }
}
