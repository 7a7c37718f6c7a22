#!/usr/bin/env bash
# gate's benchmarks, all measured in one run. From the repository root:
#
#   bench/run.sh                 # (a) gate vs regorus, cold; then (b)+(c) `cargo bench --bench eval`
#   RUNS=100 bench/run.sh        # more cold runs of each process (default 50)
#   BENCH_SKIP_EVAL=1 bench/run.sh   # (a) only
#   GATE_BIN=/path/to/gate python3 bench/cold.py   # (a) with another gate build (after run.sh built the harness)
#
# (a) cold `gate check` of policies/release.gate on fixtures/demo, whole process, against regorus
#     evaluating bench/release.rego on the same facts (bench/cold.py; python3 standard library).
# (b) 10,000 packages x 50 rules: median evaluate() time, peak memory (benches/eval.rs).
# (c) 1,000 to 100,000 packages with the same 50 rules: time per package-rule (benches/eval.rs).
#
# The results, with the machine they were measured on, are in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== machine: $(nproc) cores; $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p'); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== rustc: $(rustc --version)"

echo "== building gate (cargo build --release)"
cargo build --release --quiet
echo "== building the regorus harness"
# bench/target is already ignored by the repository's .gitignore.
cargo build --release --quiet --manifest-path bench/regorus-harness/Cargo.toml --target-dir bench/target

python3 bench/cold.py

if [[ -z "${BENCH_SKIP_EVAL:-}" ]]; then
  echo
  echo "== (b)+(c) cargo bench --bench eval"
  cargo bench --quiet --bench eval
fi
