#!/usr/bin/env bash
# conformance.sh - the Arm64 conformance run of the test command: installs QEMU, binutils and the arm64
# sysroot (setup.sh; root or sudo), publishes tests/Arm64 once (linux-arm64, self-contained, ReadyToRun)
# and runs it under QEMU on max (I8MM+BF16), neoverse-n1 (DotProd) and cortex-a72 (NEON) with the
# reduced shape set. Ends with 'arm64: N passed, N failed, N skipped'; exit 0 only when all passed.
# A failed installation is a failure, never a skip.
# Env: ARM64_CPUS (default "max neoverse-n1 cortex-a72"), MLNETGRAVITON_TEST_SHAPES (default reduced).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

if ! bash "$HERE/setup.sh"; then
  echo "[arm64] ERROR: setup.sh failed: QEMU / sysroot / binutils could not be installed" >&2
  echo "arm64: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

export MLNETGRAVITON_TEST_SHAPES="${MLNETGRAVITON_TEST_SHAPES:-reduced}"
cpu_args=()
for cpu in ${ARM64_CPUS:-max neoverse-n1 cortex-a72}; do cpu_args+=(--cpu "$cpu"); done

# CpuFeaturesTests.DetectionAgreesWithTheKernelsCpuFlags compares detection with /proc/cpuinfo, which under
# QEMU is the sysroot's fixed Neoverse-V1 file whatever -cpu is; CpuModelTests checks detection per model instead.
# QgemmPairSaturationTests, QgemmVnni512Tests, SbgemmAvx512Bf16Tests and SgemmAvx512Tests exercise x86 kernels
# (AVX2 VPMADDUBSW, emitted AVX512-VNNI, AVX512-BF16 and AVX-512F), which no Arm64 CPU model can run;
# X64AssemblerTests' run of emitted x86 code likewise.
exec bash "$HERE/test.sh" "${cpu_args[@]}" --timeout 900 "$ROOT/tests/Arm64/MlNetGraviton.Arm64.Tests.csproj" -- \
  -method- MlNetGraviton.Kernels.Tests.CpuFeaturesTests.DetectionAgreesWithTheKernelsCpuFlags \
  -method- MlNetGraviton.Kernels.Tests.Emit.X64AssemblerTests.EmittedCodeRunsThroughAnUnmanagedFunctionPointer \
  -class- MlNetGraviton.Kernels.Tests.Qgemm.QgemmPairSaturationTests \
  -class- MlNetGraviton.Kernels.Tests.QgemmX86.QgemmVnni512Tests \
  -class- MlNetGraviton.Kernels.Tests.Sbgemm.SbgemmAvx512Bf16Tests \
  -class- MlNetGraviton.Kernels.Tests.Fp32.SgemmAvx512Tests
