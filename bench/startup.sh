#!/usr/bin/env bash
# Whole-process start-up of a small fit against scipy (issue 13; docs/benchmarks.md "Start-up").
# usage: bench/startup.sh [--rows 1e4] [--reps 7] [--lsq PATH_TO_LSQ_LAUNCHER]...
# Writes decay rows to a temporary CSV with `lsq gen`, then alternates, rep by rep, every launcher given (default:
# ./lsq of this repository) and `python3 bench/peers/startup_scipy.py` (the interpreter itself, not a pyenv shim)
# on the same file, after one untimed run of each. Prints the median wall and CPU (user+sys) time of each.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rows=1e4
reps=7
launchers=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --lsq) launchers+=("$2"); shift 2 ;;
    *) echo "startup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#launchers[@]} -gt 0 ] || launchers=("$root/lsq")
python="$(python3 -c 'import sys; print(sys.executable)')"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"${launchers[0]}" gen decay --rows "$rows" --out "$tmp/d.csv" >/dev/null

names=(); cmds=()
for l in "${launchers[@]}"; do
  names+=("$l fit --data d.csv --model \"a*exp(-b*x)+c\" --p0 a=1,b=0.5,c=0 --quiet")
  cmds+=("$l fit --data $tmp/d.csv --model a*exp(-b*x)+c --p0 a=1,b=0.5,c=0 --quiet")
done
names+=("$python bench/peers/startup_scipy.py d.csv")
cmds+=("$python $root/bench/peers/startup_scipy.py $tmp/d.csv")

ms() { awk -v a="$1" 'BEGIN { printf "%d", a * 1000 }'; }
for i in "${!cmds[@]}"; do
  ${cmds[$i]} >/dev/null 2>&1 || { echo "startup.sh: failed: ${cmds[$i]}" >&2; exit 1; }
  : >"$tmp/wall.$i"; : >"$tmp/cpu.$i"
done
set -f  # the model text holds * : no globbing of the split commands
TIMEFORMAT='%R %U %S'
for r in $(seq "$reps"); do
  for i in "${!cmds[@]}"; do
    t=$( { time ${cmds[$i]} >/dev/null 2>&1; } 2>&1 )
    read -r real user sys <<<"$t"
    ms "$real" >>"$tmp/wall.$i"; echo >>"$tmp/wall.$i"
    awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d\n", (u + s) * 1000 }' >>"$tmp/cpu.$i"
  done
done
median() { sort -n "$1" | grep . | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "rows $rows, $reps reps, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!cmds[@]}"; do
  printf '%6s ms wall  %6s ms cpu   %s\n' "$(median "$tmp/wall.$i")" "$(median "$tmp/cpu.$i")" "${names[$i]}"
done
