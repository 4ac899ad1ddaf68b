using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// bf16 fast-math GEMM on x86 with AVX512-BF16 (the emitted VDPBF16PS kernel): ours against ONNX Runtime's fp32 MatMul
/// (ORT has no x86 fast-math) and our own fp32 SGEMM on the same data, measured against the VDPBF16PS peak loop.
/// On Arm64 the BFMMLA kernel is modelled by `--arm-model` (QEMU says nothing about speed).
/// </summary>
internal sealed class Bf16GemmBench : IGemmBenchPrecision
{
    public string Name => "bf16";

    public string Unit => "GFLOP/s";

    public string? Unavailable(CpuFeatures cpu)
    {
        if (cpu.IsX64 && !cpu.Avx512Bf16)
            return "bf16 needs AVX512-BF16, which this CPU lacks" + (cpu.Limit == IsaLevel.Native ? "" : $" or the ISA limit '{cpu.Limit}' turns off");
        if (cpu.IsArm64)
            return cpu.Bf16
                ? "bf16 GEMM speed on Arm64 is not measured here (use --arm-model for the Neoverse V1 model of the BFMMLA kernel)"
                : "bf16 needs the Arm64 BF16 extension (BFMMLA), which this CPU lacks";
        if (!Sbgemm_8x48_Avx512Bf16.IsSupported(cpu))
            return "bf16 needs Arm64 BF16 or x86 AVX512-BF16 on Linux (emitted code)";
        return null;
    }

    public IReadOnlyList<IGemmBenchEngine> CreateEngines(GemmShape shape, int threads, float[] a, float[] b) =>
        [new GravitonSbgemm(shape, threads, a, b), new OrtFp32(new OrtMatMul(shape, threads, a, b)), new OurFp32(shape, threads, a, b)];

    public (double Rate, string Description) MeasurePeak(int threads) =>
        (Sbgemm_8x48_Avx512Bf16.MeasurePeakGflops(threads), "Vector512 VDPBF16PS leaf loop (emitted)");

    private sealed unsafe class GravitonSbgemm(GemmShape shape, int threads, float[] a, float[] b) : IGemmBenchEngine
    {
        private readonly SbgemmAvx512Bf16PackedB _packed = Sbgemm_8x48_Avx512Bf16.PackB(b, shape.K, shape.N, transB: false);
        private readonly float[] _c = new float[shape.M * shape.N];

        public string Name => "graviton";

        public string Detail => $"kernel {Sbgemm_8x48_Avx512Bf16.Name}, A rounded to bf16 per call";

        public void Run()
        {
            fixed (float* pa = a)
            fixed (float* pc = _c)
                Sbgemm_8x48_Avx512Bf16.Run(shape.M, pa, shape.K, _packed, pc, shape.N, 1f, null, GemmActivation.None, false, threads);
        }

        public void Dispose()
        {
        }
    }

    private sealed class OrtFp32(IGemmBenchEngine inner) : IGemmBenchEngine
    {
        public string Name => inner.Name;
        public string Detail => inner.Detail + "; fp32: ORT has no x86 fast-math";
        public string? Precision => "fp32";
        public void Run() => inner.Run();
        public void Dispose() => inner.Dispose();
    }

    private sealed class OurFp32(GemmShape shape, int threads, float[] a, float[] b) : IGemmBenchEngine
    {
        private readonly SgemmPackedB _packed = Sgemm.PackB(b, shape.K, shape.N);
        private readonly float[] _c = new float[shape.M * shape.N];

        public string Name => "graviton";
        public string Detail => $"kernel {_packed.KernelName}, our fp32 SGEMM";
        public string? Precision => "fp32";
        public void Run() => Sgemm.Run(shape.M, a, shape.K, _packed, _c, shape.N, default, threads);
        public void Dispose()
        {
        }
    }
}
