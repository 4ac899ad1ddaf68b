#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need, builds,
# runs each xunit.v3 test project and ends with one aggregated line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
config=${CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NO_COLOR=1

command -v dotnet >/dev/null 2>&1 || { echo "test: the .NET 10 SDK (dotnet) is required" >&2; echo "0 passed, 1 failed"; exit 1; }

# Tests build tiny models only; keep their cache inside the tree unless the caller chose one.
export MLNETGRAVITON_CACHE=${MLNETGRAVITON_CACHE:-$root/.cache/models}

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# The Kernels encoder tests disassemble with binutils' aarch64 objdump: install it (and QEMU, the arm64
# sysroot) before the native tests; a failure here is reported again, loudly, by the arm64 block below.
if [ "${MLNETGRAVITON_ARM64:-1}" != 0 ]; then
  echo "== arm64 tools (scripts/arm64/setup.sh)"
  bash scripts/arm64/setup.sh || echo "   arm64 setup failed: see above"
fi

# `bench gemm --arm-model` (and its CLI tests) model the emitted Arm64 kernels with llvm-mca-19 (Debian llvm-19).
if ! command -v llvm-mca-19 >/dev/null 2>&1; then
  echo "== llvm-19 (llvm-mca-19 for bench gemm --arm-model)"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (export DEBIAN_FRONTEND=noninteractive
     apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends llvm-19 >/dev/null 2>&1 ||
       { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends llvm-19 >/dev/null 2>&1; }) ||
      echo "   apt-get install llvm-19 failed: the --arm-model tests skip and say why"
  else
    echo "   not root or no apt-get: install llvm-19; the --arm-model tests skip without it"
  fi
fi

# --- ONNX node tests (Debian libonnx-testdata) -------------------------------------------------------
# The Runtime tests run ONNX's own backend node tests on the graviton engine (one xunit case per test whose ops the
# engine supports); `mlnetgraviton conformance` prints the per-op table. Without the package those tests fail and say so.
echo "== ONNX node tests (libonnx-testdata)"
if [ -z "${MLNETGRAVITON_ONNX_TESTDATA:-}" ] && [ ! -d /usr/share/libonnx-testdata/data/node ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (export DEBIAN_FRONTEND=noninteractive
     apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends libonnx-testdata >/dev/null 2>&1 ||
       { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends libonnx-testdata >/dev/null 2>&1; }) ||
      echo "   apt-get install libonnx-testdata failed: the conformance tests will report the missing data"
  else
    echo "   not root or no apt-get: install libonnx-testdata (or set MLNETGRAVITON_ONNX_TESTDATA); the conformance tests will fail without it"
  fi
fi
# --- end ONNX node tests ------------------------------------------------------------------------------

# --- tokenizer reference (npm) ------------------------------------------------------------------------
# The Tokenization tests take expected ids from Hugging Face's tokenizers (npm package "tokenizers", the Rust
# library's Node binding), pinned by tools/tokenizer-reference/package-lock.json. Without it they fail and say so.
echo "== tokenizer reference (npm ci in tools/tokenizer-reference)"
if command -v npm >/dev/null 2>&1; then
  (cd tools/tokenizer-reference && npm ci --no-audit --no-fund --loglevel=error) || echo "   npm ci failed: the Tokenization tests will report the missing reference"
else
  echo "   npm not found: install Node.js and npm; the Tokenization tests will fail without the reference"
fi
# --- end tokenizer reference ---------------------------------------------------------------------------

echo "== restore and build ($config)"
if ! dotnet build MlNetGraviton.sln -c "$config" -nologo -v quiet >"$log/build.txt" 2>&1; then
  grep -E "error|Error" "$log/build.txt" | head -40
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0 failed=0 skipped=0 status=0
for proj in tests/*.Tests/*.csproj; do
  name=$(basename "$proj" .csproj)
  dll="$(dirname "$proj")/bin/$config/net10.0/$name.dll"
  echo "== $name"
  out="$log/$name.txt"
  (cd "$(dirname "$proj")" && dotnet "bin/$config/net10.0/$name.dll" -noColor -parallel all) >"$out" 2>&1
  rc=$?
  summary=$(grep -E "Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+" "$out" | tail -1)
  if [ -z "$summary" ]; then
    tail -30 "$out"
    echo "   $name: no test summary (exit $rc)"
    failed=$((failed + 1)); status=1
    continue
  fi
  total=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$summary")
  errors=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$summary")
  nfail=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$summary")
  nskip=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$summary")
  notrun=$(sed -E 's/.*Not Run: ([0-9]+).*/\1/' <<<"$summary")
  [ "$nfail" -gt 0 ] || [ "$errors" -gt 0 ] || [ "$rc" -ne 0 ] && { grep -E "\[FAIL\]|Assert|Exception" "$out" | head -60; status=1; }
  grep -E "\[SKIP\]" -A1 "$out" | head -20
  echo "$summary"
  passed=$((passed + total - nfail - nskip - notrun))
  failed=$((failed + nfail + errors))
  skipped=$((skipped + nskip))
  [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ] && [ "$errors" -eq 0 ] && failed=$((failed + 1))
done

# Notebooks: file-based walkthroughs; each counts as one test and must end with "notebook: ok".
for nb in notebooks/*.cs; do
  [ -e "$nb" ] || continue
  echo "== $nb"
  if dotnet run "$nb" >"$log/nb.txt" 2>&1 && grep -q "^notebook: ok" "$log/nb.txt"; then
    passed=$((passed + 1))
  else
    tail -20 "$log/nb.txt"
    echo "   $nb failed"
    failed=$((failed + 1)); status=1
  fi
done

# ---- Arm64 conformance under QEMU -----------------------------------------------------------------
# tests/Arm64 (the Kernels tests plus CPU-model checks) published once for linux-arm64 and run under QEMU
# on three CPU models (scripts/arm64/conformance.sh installs what it needs); its counts join the total.
# MLNETGRAVITON_ARM64=0 skips the block (counted as one skip, with the reason printed).
echo "== arm64 conformance (QEMU: max, neoverse-n1, cortex-a72)"
if [ "${MLNETGRAVITON_ARM64:-1}" = 0 ]; then
  echo "   skipped: MLNETGRAVITON_ARM64=0"
  skipped=$((skipped + 1))
else
  bash scripts/arm64/conformance.sh >"$log/arm64.txt" 2>&1
  rc=$?
  arm=$(grep -E "^arm64: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped" "$log/arm64.txt" | tail -1)
  grep -E "\[FAIL\]|\[SKIP\]" -A3 "$log/arm64.txt" | head -60
  grep -E "ERROR|Total: [0-9]+|cpu=.* exit=" "$log/arm64.txt"
  if [ -z "$arm" ]; then
    tail -30 "$log/arm64.txt"
    echo "   arm64: no summary line (exit $rc)"
    failed=$((failed + 1)); status=1
  else
    echo "$arm"
    passed=$((passed + $(sed -E 's/^arm64: ([0-9]+) passed.*/\1/' <<<"$arm")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$arm")))
    skipped=$((skipped + $(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$arm")))
    [ "$rc" -eq 0 ] || status=1
  fi
fi

# ---- ML.NET app on linux-arm64 ----------------------------------------------------------------------
# A user's ML.NET app referencing the packed MlNetGraviton packages, published for linux-arm64 (which Microsoft.ML's
# build targets refuse unless the Pipeline package's buildTransitive props turns their check off) and run under QEMU.
echo "== ML.NET app on linux-arm64 (packages, publish, QEMU -cpu max)"
if [ "${MLNETGRAVITON_ARM64:-1}" = 0 ]; then
  echo "   skipped: MLNETGRAVITON_ARM64=0"
  skipped=$((skipped + 1))
else
  bash scripts/arm64/mlnet-app.sh >"$log/arm64-app.txt" 2>&1
  rc=$?
  app=$(grep -E "^arm64-app: [0-9]+ passed, [0-9]+ failed" "$log/arm64-app.txt" | tail -1)
  if [ -z "$app" ]; then
    tail -30 "$log/arm64-app.txt"
    echo "   arm64-app: no summary line (exit $rc)"
    failed=$((failed + 1)); status=1
  else
    [ "$rc" -eq 0 ] || tail -30 "$log/arm64-app.txt"
    echo "$app"
    passed=$((passed + $(sed -E 's/^arm64-app: ([0-9]+) passed.*/\1/' <<<"$app")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$app")))
    [ "$rc" -eq 0 ] || status=1
  fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
