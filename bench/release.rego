# The Rego equivalent of policies/release.gate and the files it uses (licenses.gate,
# deploy-window.gate), for the regorus comparison in bench/run.sh. Same rules, same levels, same
# messages as far as Rego's sprintf allows, same waiver.
#
# Input: one object with the namespaces gate reads — `licenses`, `load`, `security`, `tests` as in
# fixtures/demo/*.json — and `clock`, which gate makes itself from --now and the plan's time zone:
#   {"weekday": "friday", "time": "16:55:00", "date": "2026-11-27", "now": "...", "zone": "..."}
# `time` is HH:MM:SS and `date` YYYY-MM-DD in the policy's zone, so they order as strings.
#
# What Rego cannot say the way gate does (see BENCHMARKS.md):
# - `allowed by` is a string-level approximation of gate's SPDX logic: an expression is split into
#   OR branches, each branch into AND terms; a term is allowed when the list holds it, when it is
#   `L WITH E` and the list holds L, or when it is `X-N-or-later` and the list holds `X-M-only` or
#   `X-M-or-later` with M >= N. Parentheses and deprecated ids (`GPL-2.0+`) are not handled; the
#   demo's expressions need none of that.
# - Fail closed: in Rego a missing field makes a rule body undefined, so the rule silently does not
#   fire; gate reports an error and the verdict is `error`. Not exercised by the demo facts.
package release

import rego.v1

# --- release.gate lets ---------------------------------------------------------------------------

latency_budget := "300ms"

latency_budget_ns := time.parse_duration_ns(latency_budget)

max_error_rate := 0.005

# --- licenses.gate lets --------------------------------------------------------------------------

approved := {
	"MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "0BSD", "BSL-1.0",
	"Unicode-3.0", "Unicode-DFS-2016", "CC0-1.0", "Unlicense", "MPL-2.0",
}

approved_for_build := approved | {"LGPL-2.1-only", "LGPL-3.0-only", "GPL-2.0-only", "GPL-3.0-only"}

# --- `allowed by` --------------------------------------------------------------------------------

license_allowed(expr, list) if {
	some branch in split(expr, " OR ")
	every term in split(branch, " AND ") {
		term_allowed(trim_space(term), list)
	}
}

term_allowed(term, list) if term in list

# An exception only adds permissions.
term_allowed(term, list) if {
	parts := split(term, " WITH ")
	count(parts) == 2
	trim_space(parts[0]) in list
}

# "or later" only adds choices: X-N-or-later is allowed by X-M-only or X-M-or-later with M >= N.
term_allowed(term, list) if {
	endswith(term, "-or-later")
	[family, n] := family_version(trim_suffix(term, "-or-later"))
	some entry in list
	some suffix in ["-only", "-or-later"]
	endswith(entry, suffix)
	[entry_family, m] := family_version(trim_suffix(entry, suffix))
	entry_family == family
	m >= n
}

family_version(base) := [family, to_number(version)] if {
	parts := split(base, "-")
	version := parts[count(parts) - 1]
	family := concat("-", array.slice(parts, 0, count(parts) - 1))
}

# --- licenses.gate rules -------------------------------------------------------------------------

shipped(pkg) if {
	pkg.kind == "normal"
	not pkg.workspace
}

findings contains finding("license_declared", "block", msg, false) if {
	some pkg in input.licenses.packages
	shipped(pkg)
	pkg.license == null
	msg := sprintf("%s %s declares no license (via %s): ask its authors, or clarify it with legal", [pkg.name, pkg.version, pkg.path])
}

unapproved contains pkg if {
	some pkg in input.licenses.packages
	shipped(pkg)
	pkg.license != null
	not license_allowed(pkg.license, approved)
}

findings contains finding("approved_licenses", "block", msg, approved_licenses_waived(pkg)) if {
	some pkg in unapproved
	msg := sprintf("%s %s is licensed %s, which legal has not approved (via %s)", [pkg.name, pkg.version, pkg.license, pkg.path])
}

findings contains finding("build_tool_licenses", "warn", msg, false) if {
	some pkg in input.licenses.packages
	pkg.kind == "build"
	not pkg.workspace
	not build_license_ok(pkg)
	msg := sprintf("build tool %s %s is licensed %v (via %s): check with legal", [pkg.name, pkg.version, license_text(pkg.license), pkg.path])
}

build_license_ok(pkg) if {
	pkg.license != null
	license_allowed(pkg.license, approved_for_build)
}

license_text(l) := "none" if l == null

license_text(l) := l if l != null

# --- deploy-window.gate rules --------------------------------------------------------------------

# gate prints a time of day as HH:MM when its seconds are zero, else HH:MM:SS.
clock_hm := substring(input.clock.time, 0, 5) if endswith(input.clock.time, ":00")

clock_hm := input.clock.time if not endswith(input.clock.time, ":00")

findings contains finding("friday_afternoon", "block", msg, false) if {
	input.clock.weekday == "friday"
	input.clock.time >= "16:00:00"
	msg := sprintf("it is %s %s: deploys after 16:00 on Friday wait for Monday", [input.clock.weekday, clock_hm])
}

findings contains finding("weekend", "block", msg, false) if {
	input.clock.weekday in {"saturday", "sunday"}
	msg := sprintf("it is %s: production deploys wait for Monday", [input.clock.weekday])
}

# 22:00..06:00 wraps past midnight, both ends included.
at_night if input.clock.time >= "22:00:00"

at_night if input.clock.time <= "06:00:00"

findings contains finding("night", "block", msg, false) if {
	at_night
	msg := sprintf("it is %s: deploys between 22:00 and 06:00 have nobody to watch them", [clock_hm])
}

findings contains finding("year_end_freeze", "block", msg, false) if {
	input.clock.date >= "2026-12-19"
	input.clock.date <= "2027-01-04"
	msg := "the year-end change freeze runs from 19 December to 4 January"
}

# --- release.gate rules --------------------------------------------------------------------------

findings contains finding("p99_latency", "block", msg, false) if {
	not time.parse_duration_ns(input.load.latency.p99) <= latency_budget_ns
	msg := sprintf("p99 latency %s is over the %s budget", [input.load.latency.p99, latency_budget])
}

findings contains finding("error_rate", "block", msg, false) if {
	not input.load.requests.error_rate <= max_error_rate
	msg := sprintf("%v%% of requests failed under load; at most 0.5%% may", [input.load.requests.error_rate * 100])
}

load_test_valid if {
	input.load.requests.dropped == 0
	time.parse_duration_ns(input.load.duration) >= time.parse_duration_ns("10m")
}

findings contains finding("load_test_valid", "block", msg, false) if {
	not load_test_valid
	msg := sprintf("the load test is not valid evidence: %v dropped iterations over %s (needs 0 over at least 10m)", [input.load.requests.dropped, input.load.duration])
}

findings contains finding("endpoint_latency", "warn", msg, false) if {
	some ep in input.load.endpoints
	not time.parse_duration_ns(ep.latency.p99) <= latency_budget_ns
	msg := sprintf("%s: p99 latency %s is over the %s budget", [ep.name, ep.latency.p99, latency_budget])
}

severity_rank := {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

findings contains finding("no_high_findings", "block", msg, false) if {
	some f in input.security.findings
	not f.suppressed
	severity_rank[f.severity] >= severity_rank.high
	msg := sprintf("%s found %s (%s): %s", [f.tool, f.rule, f.severity, f.message])
}

findings contains finding("scans_completed", "block", msg, false) if {
	some s in input.security.scans
	not s.completed
	msg := sprintf("the %s scan did not complete: its results prove nothing", [s.tool])
}

justified(f) if {
	f.justification != null
	count(f.justification) > 0
}

findings contains finding("suppressions_justified", "block", msg, false) if {
	some f in input.security.findings
	f.suppressed
	not justified(f)
	msg := sprintf("%s finding %s is suppressed without a justification", [f.tool, f.rule])
}

findings contains finding("tests_pass", "block", msg, false) if {
	some t in input.tests.cases
	not t.status in {"passed", "skipped"}
	msg := sprintf("%s test %s::%s %s: %v", [t.kind, t.suite, t.name, t.status, license_text(t.message)])
}

findings contains finding("flaky_tests", "warn", msg, false) if {
	some t in input.tests.cases
	t.flaky
	msg := sprintf("%s::%s passed only on retry", [t.suite, t.name])
}

# --- the waiver of approved_licenses -------------------------------------------------------------
# waive approved_licenses where pkg.name == "ring" until 2027-06-30 by "legal@example.com"
#   because "the OpenSSL license of its BoringSSL-derived code was reviewed in LEGAL-142"

ring_waiver_until := "2027-06-30"

ring_waiver_because := "the OpenSSL license of its BoringSSL-derived code was reviewed in LEGAL-142"

# Active until the start of the day after `until` in the policy's zone.
ring_waiver_active if input.clock.date <= ring_waiver_until

ring_waiver_hits(pkg) if {
	ring_waiver_active
	pkg.name == "ring"
}

approved_licenses_waived(pkg) := true if ring_waiver_hits(pkg)

approved_licenses_waived(pkg) := false if not ring_waiver_hits(pkg)

ring_waiver_matched if {
	some pkg in unapproved
	pkg.name == "ring"
}

findings contains finding("approved_licenses", "warn", msg, false) if {
	not ring_waiver_active
	msg := sprintf("the waiver of `approved_licenses` by legal@example.com expired on %s: it waives nothing (it said: %s)", [ring_waiver_until, ring_waiver_because])
}

findings contains finding("approved_licenses", "info", msg, false) if {
	ring_waiver_active
	not ring_waiver_matched
	msg := "the waiver of `approved_licenses` by legal@example.com matched no finding: remove it, or check its `where`"
}

findings contains finding("approved_licenses", "warn", msg, false) if {
	today := time.parse_ns("2006-01-02", input.clock.date)
	time.parse_ns("2006-01-02", ring_waiver_until) > time.add_date(today, 1, 0, 0)
	msg := sprintf("the waiver of `approved_licenses` by legal@example.com runs until %s, more than a year ahead: waivers should be reviewed at least yearly", [ring_waiver_until])
}

# --- verdict -------------------------------------------------------------------------------------

finding(rule, level, message, waived) := {"rule": rule, "level": level, "message": message, "waived": waived}

blocking := [f | some f in findings; f.level == "block"; not f.waived]

default verdict := "go"

verdict := "no-go" if count(blocking) > 0

report := {
	"verdict": verdict,
	"blocking": count(blocking),
	"findings": findings,
}
