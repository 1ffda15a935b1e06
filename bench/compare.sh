#!/usr/bin/env bash
# End-to-end comparison against Hipparchus, Commons Math and scipy (docs/benchmarks.md).
# usage: bench/compare.sh [--rows 1e5,1e6,1e7,1e8] [--problems decay,peaks] [--reps 3] [--time-limit 600] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package)
cd "$root"
exec java -Djava.awt.headless=true -Dstreamlsq.repo="$root" -Xmx2g --add-modules=jdk.incubator.vector \
  --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$jar" io.streamlsq.bench.compare.Compare "$@" \
  2> >(grep -v --line-buffered '^WARNING: Using incubator modules' >&2)
