//! Static types the checker assigns to expressions.

use crate::schema::{Field, FieldType};

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// After an error: accepts everything so one mistake is reported once.
    Unknown,
    /// A custom namespace value: checked when evaluated.
    Any,
    None,
    Bool,
    Number,
    Percent,
    Str,
    /// A string with a closed set of values, from the schema.
    Enum(&'static [&'static str]),
    Duration,
    Size,
    Date,
    DateTime,
    Time,
    Weekday,
    Severity,
    Version,
    License,
    List(Box<Ty>),
    Range(Box<Ty>),
    Record(&'static [Field]),
}

impl Ty {
    pub fn from_field(ty: &FieldType) -> Ty {
        match ty {
            FieldType::Bool => Ty::Bool,
            FieldType::Number => Ty::Number,
            FieldType::Percent => Ty::Percent,
            FieldType::Str => Ty::Str,
            FieldType::Enum(v) => Ty::Enum(v),
            FieldType::Duration => Ty::Duration,
            FieldType::Size => Ty::Size,
            FieldType::Date => Ty::Date,
            FieldType::DateTime => Ty::DateTime,
            FieldType::Time => Ty::Time,
            FieldType::Weekday => Ty::Weekday,
            FieldType::Severity => Ty::Severity,
            FieldType::Version => Ty::Version,
            FieldType::License => Ty::License,
            FieldType::List(inner) => Ty::List(Box::new(Ty::from_field(inner))),
            FieldType::Record(fields) => Ty::Record(fields),
            FieldType::Any => Ty::Any,
        }
    }

    /// Unknown or Any: nothing can be said before evaluation.
    pub fn is_open(&self) -> bool {
        matches!(self, Ty::Unknown | Ty::Any)
    }

    /// Strings and enums are the same kind of value.
    fn base(&self) -> &Ty {
        match self {
            Ty::Enum(_) => &Ty::Str,
            other => other,
        }
    }

    /// Can `==` compare the two? Same kind, number with percent, version with string.
    pub fn comparable(&self, other: &Ty) -> bool {
        if self.is_open() || other.is_open() || *self == Ty::None || *other == Ty::None {
            return true;
        }
        match (self.base(), other.base()) {
            (Ty::Number | Ty::Percent, Ty::Number | Ty::Percent) => true,
            (Ty::Version, Ty::Str) | (Ty::Str, Ty::Version) => true,
            (Ty::List(a), Ty::List(b)) => a.comparable(b),
            (Ty::Record(_), Ty::Record(_)) => true,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }

    /// Can the values be ordered with `<`?
    pub fn orderable(&self) -> bool {
        matches!(
            self,
            Ty::Unknown
                | Ty::Any
                | Ty::Number
                | Ty::Percent
                | Ty::Str
                | Ty::Enum(_)
                | Ty::Duration
                | Ty::Size
                | Ty::Date
                | Ty::DateTime
                | Ty::Time
                | Ty::Weekday
                | Ty::Severity
                | Ty::Version
        )
    }

    pub fn describe(&self) -> String {
        match self {
            Ty::Unknown | Ty::Any => "a value".into(),
            Ty::None => "none".into(),
            Ty::Bool => "a boolean".into(),
            Ty::Number => "a number".into(),
            Ty::Percent => "a percent".into(),
            Ty::Str => "a string".into(),
            Ty::Enum(values) => format!("a string ({})", values.join(", ")),
            Ty::Duration => "a duration".into(),
            Ty::Size => "a size".into(),
            Ty::Date => "a date".into(),
            Ty::DateTime => "a datetime".into(),
            Ty::Time => "a time of day".into(),
            Ty::Weekday => "a weekday".into(),
            Ty::Severity => "a severity".into(),
            Ty::Version => "a version".into(),
            Ty::License => "a license".into(),
            Ty::List(inner) => match &**inner {
                Ty::Unknown | Ty::Any => "a list".into(),
                Ty::Record(_) => "a list of records".into(),
                t => format!("a list of {}", plural(t)),
            },
            Ty::Range(inner) => format!("a range of {}", plural(inner)),
            Ty::Record(_) => "a record".into(),
        }
    }
}

fn plural(t: &Ty) -> String {
    let d = t.describe();
    let d = d
        .strip_prefix("a ")
        .or_else(|| d.strip_prefix("an "))
        .unwrap_or(&d)
        .to_string();
    if d.ends_with('s') { d } else { format!("{d}s") }
}
