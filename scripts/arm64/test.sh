#!/usr/bin/env bash
# test.sh - publish an xunit.v3 test project for linux-arm64 and run it under QEMU on one
# or more CPU models; closes with a plain 'arm64: N passed, N failed, N skipped' line.
#
# usage: test.sh [--cpu CPU]... [--no-publish] [--no-r2r] [--out DIR] [--timeout S]
#                <project.csproj | project-dir> [-- xunit.v3 runner args, e.g. -class X -method Y]
#   --cpu        repeatable; names as in run.sh (default: max). e.g. --cpu max --cpu neoverse-n1 --cpu cortex-a72
#   --no-publish reuse DIR from an earlier publish
#   --no-r2r     publish without ReadyToRun (R2R cuts QEMU run time by roughly a third)
#   --out        publish folder (default: <project-dir>/bin/arm64-publish)
#   --timeout    per-CPU-model wall limit in seconds (default 1800)
# Each run gets MLNETGRAVITON_EXPECT_CPU=<cpu name> so tests can check detection against the model.
# Exit code: 0 when every run passed, else the first non-zero runner exit code.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CPUS=(); PUBLISH=1; R2R=true; OUT=""; TIMEOUT=1800; PROJ=""
die() { echo "[arm64-test] ERROR: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) CPUS+=("$2"); shift 2 ;;
    --cpu=*) CPUS+=("${1#--cpu=}"); shift ;;
    --no-publish) PUBLISH=0; shift ;;
    --no-r2r) R2R=false; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$PROJ" ] || die "one project only"; PROJ="$1"; shift ;;
  esac
done
[ -n "$PROJ" ] || die "usage: test.sh [--cpu CPU]... <project.csproj|dir> [-- runner args]"
[ "${#CPUS[@]}" -gt 0 ] || CPUS=("${ARM64_CPU:-max}")

if [ -d "$PROJ" ]; then
  shopt -s nullglob; projs=("$PROJ"/*.csproj); shopt -u nullglob
  [ "${#projs[@]}" -eq 1 ] || die "$PROJ: expected one .csproj, found ${#projs[@]}"
  PROJ="${projs[0]}"
fi
[ -f "$PROJ" ] || die "$PROJ not found"
NAME="$(basename "$PROJ" .csproj)"
OUT="${OUT:-$(dirname "$PROJ")/bin/arm64-publish}"

if [ "$PUBLISH" = 1 ]; then
  echo "[arm64-test] publishing $PROJ -> $OUT (linux-arm64, self-contained, R2R=$R2R)"
  dotnet publish "$PROJ" -c Release -r linux-arm64 --self-contained \
    -p:PublishReadyToRun="$R2R" -o "$OUT" -nologo -v q \
    || die "dotnet publish failed"
fi
# the apphost is named after AssemblyName, which may differ from the project file name
APP="$OUT/$NAME"
if [ ! -f "$APP" ]; then
  shopt -s nullglob
  for f in "$OUT"/*.runtimeconfig.json; do b="${f%.runtimeconfig.json}"; [ -f "$b" ] && APP="$b"; done
  shopt -u nullglob
fi
[ -f "$APP" ] || die "no apphost found in $OUT"

passed=0; failed=0; skipped=0; rc_all=0
for cpu in "${CPUS[@]}"; do
  echo "[arm64-test] === $(basename "$APP") on cpu=$cpu"
  log=$(mktemp)
  start=$(date +%s)
  # The conformance tests compare detection with the model QEMU emulates.
  MLNETGRAVITON_EXPECT_CPU="$cpu" NO_COLOR=1 "$HERE/run.sh" --cpu "$cpu" --timeout "$TIMEOUT" "$APP" -noColor "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  secs=$(( $(date +%s) - start ))
  # xunit.v3 summary: "   Name  Total: 8, Errors: 0, Failed: 1, Skipped: 0, Not Run: 0, Time: 1.8s"
  line=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$log" | tail -1)
  rm -f "$log"
  if [ -n "$line" ]; then
    t=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$line")
    f=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$line")
    s=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$line")
    n=$(sed -nE 's/.*Not Run: ([0-9]+).*/\1/p' <<<"$line"); n=${n:-0}
    e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + t - f - s - n)); failed=$((failed + f + e)); skipped=$((skipped + s + n))
  else
    echo "[arm64-test] cpu=$cpu: no xunit summary line (exit $rc)" >&2
    failed=$((failed + 1))
    [ "$rc" -ne 0 ] || rc=1
  fi
  echo "[arm64-test] cpu=$cpu exit=$rc in ${secs}s"
  [ "$rc_all" -ne 0 ] || rc_all=$rc
done
echo "arm64: $passed passed, $failed failed, $skipped skipped"
exit "$rc_all"
