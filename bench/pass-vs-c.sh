#!/usr/bin/env bash
# One NORMAL pass per row, StreamLSQ (JMH, in-memory arrays) against the C reference program
# ../shared/tools/limit on the same machine in the same run. Usage: bench/pass-vs-c.sh [ROWS]
# Writes bench/target/pass-vs-c/{jmh.json,limit-*.json} and prints a table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rows="${1:-1e7}"
work="$root/bench/target/pass-vs-c"
mkdir -p "$work"
rm -rf "$work/limit" && cp -r "$root/../shared/tools/limit" "$work/limit" && chmod -R u+w "$work/limit"
make -s -C "$work/limit" limit >/dev/null
for p in decay peaks; do
  [ -f "$work/$p.bin" ] || python3 "$work/limit/make_bin.py" "$p" "$rows" "$work/$p.bin"
done
[ -f "$root/bench/target/benchmarks.jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package)
for p in decay peaks; do
  for t in 1 2; do
    "$work/limit/limit" "$p" "$work/$p.bin" -t "$t" -r 7 > "$work/limit-$p-$t.json"
  done
done
java -jar "$root/bench/target/benchmarks.jar" PassBenchmark -rf json -rff "$work/jmh.json" > "$work/jmh.txt"
python3 - "$work" <<'PY'
import json, sys, os
w = sys.argv[1]
jmh = {(b["params"]["problem"], int(b["params"]["threads"])): b["primaryMetric"] for b in json.load(open(os.path.join(w, "jmh.json")))}
print("| problem | threads | StreamLSQ ns/row (JMH, ± 99.9 %) | C limit ns/row (warm median) | ratio | StreamLSQ ns/row per thread |")
print("|---|---|---|---|---|---|")
for p in ("decay", "peaks"):
    for t in (1, 2):
        c = json.load(open(os.path.join(w, f"limit-{p}-{t}.json")))["warm_ns_per_row"]
        m = jmh[(p, t)]
        print(f"| {p} | {t} | {m['score']:.2f} ± {m['scoreError']:.2f} | {c:.2f} | {m['score']/c:.2f} | {m['score']*t:.2f} |")
PY
