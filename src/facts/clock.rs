//! The `clock` namespace: when the decision is made, in the policy's time zone.

use crate::value::{Record, Value, Weekday};
use jiff::Zoned;
use jiff::tz::TimeZone;
use std::sync::Arc;

/// The time zone named by `--tz` or the plan (IANA names, from gate's bundled database).
pub fn zone(name: &str) -> Result<TimeZone, String> {
    if name == "UTC" || name == "Z" {
        return Ok(TimeZone::UTC);
    }
    // The bundled database only: the same answer on every machine, and no walk of
    // /usr/share/zoneinfo on every run.
    let db = jiff::tz::TimeZoneDatabase::bundled();
    db.get(name).map_err(|_| {
        let names: Vec<String> = db.available().map(|n| n.to_string()).collect();
        let hint =
            crate::diag::suggestion(name, names.iter().map(String::as_str)).unwrap_or_else(|| {
                "use an IANA time zone name such as `America/New_York` or `UTC`".into()
            });
        format!("`{name}` is not a known time zone; {hint}")
    })
}

/// `--now`: an instant that must carry an offset (`Z` or `±hh:mm`).
pub fn parse_now(text: &str) -> Result<jiff::Timestamp, String> {
    crate::value::parse_datetime(text)
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            format!("`{text}` is not an instant with an offset: write e.g. `2026-11-27T16:55:00-05:00` or `2026-11-27T21:55:00Z`")
        })
}

/// The clock facts for an instant seen in a zone.
pub fn facts(now: &Zoned, zone_name: &str) -> Value {
    let fields = vec![
        (Arc::from("now"), Value::DateTime(Arc::new(now.clone()))),
        (Arc::from("date"), Value::Date(now.date())),
        (Arc::from("time"), Value::Time(now.time())),
        (
            Arc::from("weekday"),
            Value::Weekday(Weekday::from_jiff(now.weekday())),
        ),
        (Arc::from("zone"), Value::Str(Arc::from(zone_name))),
    ];
    Value::Record(Arc::new(Record { fields }))
}

/// The zoned instant a clock namespace holds.
pub fn now_of(clock: &Value) -> Option<Zoned> {
    match clock {
        Value::Record(r) => match r.get("now") {
            Some(Value::DateTime(z)) => Some((**z).clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A clock saved by `gate facts`: `now` with its offset, read again in its `zone`.
pub fn from_saved(doc: &serde_json::Value) -> Result<Value, String> {
    let now = doc
        .get("now")
        .and_then(|v| v.as_str())
        .ok_or("it has no `now`")?;
    let zone_name = doc
        .get("zone")
        .and_then(|v| v.as_str())
        .ok_or("it has no `zone`")?;
    let ts = parse_now(now)?;
    let tz = zone(zone_name)?;
    Ok(facts(&ts.to_zoned(tz), zone_name))
}
