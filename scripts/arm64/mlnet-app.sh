#!/usr/bin/env bash
# mlnet-app.sh - the "ML.NET on linux-arm64" check: pack the MlNetGraviton libraries into a local feed, publish
# tests/Arm64App (a user's ML.NET app that references the packages, outside the repository's build settings) for
# linux-arm64, and run it under QEMU (-cpu max). Two checks:
#   1. with ML.NET's platform check forced on, the publish fails with ML.NET's own error (so the package's
#      buildTransitive props is what makes the next step build, not something else);
#   2. with the package's defaults it publishes, runs, embeds real sentences matching ONNX Runtime, trains and predicts.
# Ends with 'arm64-app: N passed, N failed'. Needs scripts/arm64/setup.sh (QEMU, sysroot) to have run.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
version="0.1.0-ci.$(date -u +%Y%m%d%H%M%S)"
work=$(mktemp -d)
trap 'rm -rf "$work"; rm -rf "$HOME"/.nuget/packages/mlnetgraviton.*/"$version"' EXIT
feed="$work/feed"
passed=0 failed=0

# Pack and publish from a copy of the sources, so the packed assemblies are built together at one version and
# nothing in the working tree's bin/obj folders changes.
copy="$work/repo"
mkdir -p "$copy/src" "$copy/tests" "$copy/data/vocab/bert-base-uncased" "$copy/data/sentiment"
cp Directory.Build.props Directory.Packages.props "$copy/"
[ -f .editorconfig ] && cp .editorconfig "$copy/"
for p in Kernels Runtime Tokenization Models Pipeline; do
  (cd src && tar --exclude=bin --exclude=obj -cf - "$p") | (cd "$copy/src" && tar -xf -)
done
(cd tests && tar --exclude=bin --exclude=obj -cf - Arm64App) | (cd "$copy/tests" && tar -xf -)
cp data/vocab/bert-base-uncased/vocab.txt "$copy/data/vocab/bert-base-uncased/"
cp data/sentiment/uci-sentiment-sentences.tsv "$copy/data/sentiment/"
cd "$copy"
app=tests/Arm64App/MlNetGraviton.Arm64App.csproj

echo "[arm64-app] packing $version into a local feed"
for p in Kernels Runtime Tokenization Models Pipeline; do
  if ! dotnet pack "src/$p/MlNetGraviton.$p.csproj" -c Release -o "$feed" -p:Version="$version" -nologo -v q >"$work/pack-$p.txt" 2>&1; then
    tail -20 "$work/pack-$p.txt"
    echo "[arm64-app] ERROR: packing $p failed"
    echo "arm64-app: 0 passed, 2 failed"
    exit 1
  fi
done

publish() { # publish <out> [extra msbuild args...]
  local out=$1; shift
  dotnet publish "$app" -c Release -r linux-arm64 --self-contained -o "$out" -nologo -v q \
    -p:MlNetGravitonVersion="$version" -p:RestoreAdditionalProjectSources="$feed" "$@"
}

echo "[arm64-app] 1. ML.NET's own check, forced on, must refuse the linux-arm64 build"
publish "$work/refused" -p:EnableMLUnsupportedPlatformTargetCheck=true >"$work/refused.txt" 2>&1
if [ $? -ne 0 ] && grep -q "Microsoft.ML currently supports 'x64' and 'x86'" "$work/refused.txt"; then
  echo "   refused as expected: $(grep -o "Microsoft.ML currently supports[^.]*" "$work/refused.txt" | head -1)"
  passed=$((passed + 1))
else
  tail -20 "$work/refused.txt"
  echo "   FAIL: expected ML.NET's platform error with the check forced on"
  failed=$((failed + 1))
fi

echo "[arm64-app] 2. with the package's defaults: publish for linux-arm64 and run under QEMU (-cpu max)"
if publish "$work/app" >"$work/publish.txt" 2>&1; then
  bash "$root/scripts/arm64/run.sh" --cpu max --timeout 1200 "$work/app/MlNetGraviton.Arm64App" >"$work/run.txt" 2>&1
  rc=$?
  cat "$work/run.txt" | tail -8
  if [ $rc -eq 0 ] && grep -q "^arm64 app: ok" "$work/run.txt"; then
    passed=$((passed + 1))
  else
    echo "   FAIL: the app exited $rc under QEMU"
    failed=$((failed + 1))
  fi
else
  grep -E "error" "$work/publish.txt" | head -20
  echo "   FAIL: publishing the app for linux-arm64 failed"
  failed=$((failed + 1))
fi
echo "arm64-app: $passed passed, $failed failed"
[ $failed -eq 0 ]
