//! The `monitoring` producer end to end: probes against a real HTTP server this test starts on
//! 127.0.0.1 (health, metrics, slow, down, redirect), a closed port, and bad plans.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::print_stderr
)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

mod common;

use common::{NOW, gate_in, root};

/// Standard error, with miette's wrapped message lines joined again.
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).replace("\n  │ ", " ")
}

/// A Prometheus text exposition: the body `/metrics` answers with.
fn metrics_body() -> String {
    std::fs::read_to_string(root().join("fixtures/monitoring/metrics.txt")).unwrap()
}

fn answer(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The headers, up to the blank line (bounded).
    for _ in 0..100 {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, extra, body) = match path.as_str() {
        "/healthz" => ("200 OK", "", "ok\n".to_string()),
        "/metrics" => ("200 OK", "", metrics_body()),
        "/down" => ("503 Service Unavailable", "", "down\n".to_string()),
        "/moved" => ("302 Found", "Location: /healthz\r\n", String::new()),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", "", "late\n".to_string())
        }
        _ => ("404 Not Found", "", "no\n".to_string()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
}

/// Starts the server on a free port; it answers until the test process ends.
fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            std::thread::spawn(move || answer(stream));
        }
    });
    port
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn run(dir: &Path, plan: &str) -> (Output, Value) {
    std::fs::write(dir.join("gate.toml"), plan).unwrap();
    let out = gate_in(dir, &["facts", "--plan", "gate.toml", "--now", NOW]);
    let facts = serde_json::from_slice::<Value>(&out.stdout)
        .map(|v| v["monitoring"].clone())
        .unwrap_or(Value::Null);
    (out, facts)
}

#[test]
fn probes_against_a_real_server() {
    let port = serve();
    let closed = closed_port();
    let tmp = tempfile::tempdir().unwrap();
    let plan = format!(
        r#"
[[monitoring.probe]]
name = "health"
url = "http://127.0.0.1:{port}/healthz"

[[monitoring.probe]]
name = "metrics"
url = "http://127.0.0.1:{port}/metrics"
metrics = ["http_requests_total", "request_duration_seconds", "up", "queue_depth", "process_open_fds", "http_requests"]

[[monitoring.probe]]
name = "slow"
url = "http://127.0.0.1:{port}/slow"
timeout = "300ms"

[[monitoring.probe]]
name = "down"
url = "http://127.0.0.1:{port}/down"

[[monitoring.probe]]
name = "down-expected"
url = "http://127.0.0.1:{port}/down"
expect_status = [200, 503]

[[monitoring.probe]]
name = "moved"
url = "http://127.0.0.1:{port}/moved"

[[monitoring.probe]]
name = "refused"
url = "http://127.0.0.1:{closed}/healthz"
metrics = ["up"]
timeout = "2s"
"#
    );
    let (out, mut facts) = run(tmp.path(), &plan);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Latency is only known to be there.
    let mut latencies = Vec::new();
    for p in facts["probes"].as_array_mut().unwrap() {
        latencies.push(!p["latency"].is_null());
        p["latency"] = Value::Null;
    }
    assert_eq!(latencies, [true, true, false, true, true, true, false]);
    let url = |path: &str| format!("http://127.0.0.1:{port}{path}");
    assert_eq!(
        facts,
        json!({"probes": [
            {"name": "health", "url": url("/healthz"), "status": 200, "ok": true,
             "latency": null, "missing_metrics": [], "error": null},
            // A name inside a label value or a comment is not a metric; a counter's family
            // name without `_total` is not its sample name.
            {"name": "metrics", "url": url("/metrics"), "status": 200, "ok": false,
             "latency": null, "missing_metrics": ["queue_depth", "process_open_fds", "http_requests"],
             "error": null},
            {"name": "slow", "url": url("/slow"), "status": null, "ok": false,
             "latency": null, "missing_metrics": [], "error": "timed out after 300ms"},
            {"name": "down", "url": url("/down"), "status": 503, "ok": false,
             "latency": null, "missing_metrics": [], "error": null},
            {"name": "down-expected", "url": url("/down"), "status": 503, "ok": true,
             "latency": null, "missing_metrics": [], "error": null},
            // Redirects are reported, not followed.
            {"name": "moved", "url": url("/moved"), "status": 302, "ok": false,
             "latency": null, "missing_metrics": [], "error": null},
            {"name": "refused", "url": format!("http://127.0.0.1:{closed}/healthz"),
             "status": null, "ok": false, "latency": null, "missing_metrics": ["up"],
             "error": "connection refused"},
        ]})
    );
}

#[test]
fn the_metrics_probe_passes_when_every_name_is_there() {
    let port = serve();
    let tmp = tempfile::tempdir().unwrap();
    let plan = format!(
        "[[monitoring.probe]]\nname = \"metrics\"\nurl = \"http://127.0.0.1:{port}/metrics\"\nmetrics = [\"http_requests_total\", \"request_duration_seconds_count\"]\n"
    );
    let (out, facts) = run(tmp.path(), &plan);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(facts["probes"][0]["ok"], true, "{facts}");
    assert_eq!(facts["probes"][0]["missing_metrics"], json!([]));
}

#[test]
fn a_bad_plan_is_located() {
    let probe = |body: &str| format!("[[monitoring.probe]]\n{body}");
    let cases: Vec<(String, &str, Vec<&str>)> = vec![
        (
            probe("name = \"a\"\nurl = \"http://127.0.0.1:1/\"\nmetric = [\"up\"]\n"),
            "unknown key `monitoring.probe.metric`",
            vec!["did you mean `metrics`?", "gate.toml:4:1"],
        ),
        (
            "[[monitoring.probes]]\nname = \"a\"\nurl = \"http://127.0.0.1:1/\"\n".into(),
            "unknown key `monitoring.probes`",
            vec!["did you mean `probe`?", "gate.toml:1:14"],
        ),
        (
            probe("name = \"a\"\nurl = \"ftp://127.0.0.1/x\"\n"),
            "`ftp://127.0.0.1/x` is not an http:// or https:// URL",
            vec!["gate.toml:3:7"],
        ),
        (
            probe("name = \"a\"\nurl = \"http://:8080/x\"\n"),
            "names no host",
            vec!["gate.toml:3:7"],
        ),
        (
            probe("name = \"a\"\nurl = \"http://admin:hunter2@10.0.0.5/\"\n"),
            "a probe's URL must not hold credentials",
            vec!["gate.toml:3:7"],
        ),
        (
            format!(
                "{}\n{}",
                probe("name = \"a\"\nurl = \"http://127.0.0.1:1/\"\n"),
                probe("name = \"a\"\nurl = \"http://127.0.0.1:2/\"\n")
            ),
            "two probes are named `a`",
            vec!["gate.toml:6:8"],
        ),
        (
            probe("name = \"a\"\n"),
            "a probe needs `url`",
            vec!["gate.toml:1:1"],
        ),
        (
            probe("name = \"a\"\nurl = \"http://127.0.0.1:1/\"\ntimeout = \"5\"\n"),
            "`5` is not a timeout gate can use",
            vec!["gate.toml:4:11"],
        ),
        (
            probe("name = \"a\"\nurl = \"http://127.0.0.1:1/\"\nexpect_status = 999\n"),
            "an HTTP status is a number from 100 to 599",
            vec!["gate.toml:4:17"],
        ),
        (
            probe("name = \"a\"\nurl = \"http://127.0.0.1:1/\"\nmetrics = [\"http-requests\"]\n"),
            "`http-requests` is not a Prometheus metric name",
            vec!["gate.toml:4:12"],
        ),
    ];
    for (plan, message, more) in &cases {
        let tmp = tempfile::tempdir().unwrap();
        let (out, _) = run(tmp.path(), plan);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{plan}\n{err}");
        assert!(err.contains(message), "{plan}\n{err}");
        for m in more {
            assert!(err.contains(m), "{plan}: `{m}`\n{err}");
        }
        assert!(
            !err.contains("hunter2") || plan.contains("hunter2"),
            "{err}"
        );
    }
}
