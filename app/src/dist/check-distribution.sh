#!/usr/bin/env bash
# Run by `mvn package` (app/pom.xml, after the distribution is assembled; skipped with -DskipTests): copies the
# distribution to a temporary directory and runs it there as a user would, with a `mvn` first on the PATH that
# records any call. Checks: --version; a fit of 2 000 generated rows converges near the truth; the copy made its
# own start-up archive (the one built in place is tied to the original path) and the next run maps classes from
# it; Maven was never called; without lib/spark/ (not copied: the spark module builds it after this check),
# --engine spark is refused by the launcher with exit 2 and a message naming lib/spark/.
set -euo pipefail
dist="$1"
version="$2"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/lsq-dist-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-distribution: FAILED: $*" >&2; exit 1; }
mkdir "$tmp/copy"
tar -C "$dist" --exclude=./lib/spark -cf - . | tar -C "$tmp/copy" -xf -
mkdir "$tmp/shim"
printf '#!/bin/sh\necho "$0 $*" >> "%s/mvn-called"\nexit 1\n' "$tmp" > "$tmp/shim/mvn"
chmod +x "$tmp/shim/mvn"
export PATH="$tmp/shim:$PATH"
lsq="$tmp/copy/bin/lsq"

v="$("$lsq" --version 2>"$tmp/err1")" || fail "lsq --version: exit $?: $(cat "$tmp/err1")"
[[ "$v" == "lsq $version, Java "* ]] || fail "lsq --version printed '$v'"
[ -f "$tmp/copy/lib/lsq.jsa" ] && [ -f "$tmp/copy/lib/lsq.jsa.stamp" ] || fail "the copy made no start-up archive"
grep -q "$tmp/copy/lib/lsq.jar" "$tmp/copy/lib/lsq.jsa.stamp" || fail "the archive stamp does not name the copied jar"

"$lsq" gen decay --rows 2000 --out "$tmp/d.csv" >/dev/null 2>"$tmp/err2" || fail "lsq gen: $(cat "$tmp/err2")"
LSQ_JAVA_OPTS="-Xlog:class+load=info:file=$tmp/classes.txt" \
  "$lsq" fit --data "$tmp/d.csv" --model "a*exp(-b*x)+c" --p0 a=1,b=0.5,c=0 --quiet --out "$tmp/r.json" \
  >"$tmp/out3" 2>"$tmp/err3" || fail "lsq fit: exit $?: $(cat "$tmp/err3")"
grep -Eq '^ +b: +1\.(2[89]|3[0-2])' "$tmp/out3" || fail "fit did not find b = 1.3: $(cat "$tmp/out3")"
[ ! -s "$tmp/err3" ] || fail "lsq fit wrote to stderr: $(cat "$tmp/err3")"
shared="$(grep -c 'source: shared objects file (top)' "$tmp/classes.txt" || true)"
[ "$shared" -ge 800 ] || fail "only $shared classes came from the start-up archive"
set +e
"$lsq" fit --data "$tmp/d.parquet" --model "a*exp(-b*x)+c" --p0 a=1,b=0.5,c=0 --engine spark >"$tmp/out4" 2>"$tmp/err4"
code=$?
set -e
[ "$code" = 2 ] || fail "--engine spark without lib/spark/: exit $code, expected 2: $(cat "$tmp/err4")"
grep -q "lib/spark/ is missing" "$tmp/err4" || fail "--engine spark without lib/spark/ said: $(cat "$tmp/err4")"
[ ! -e "$tmp/mvn-called" ] || fail "the distribution called Maven: $(cat "$tmp/mvn-called")"
echo "check-distribution: OK: a copy in $tmp ran --version, gen and fit without Maven, refused --engine spark without lib/spark/; $shared classes from its archive"
