using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Cli.Bench;

/// <summary>fp32: our packed SGEMM against ONNX Runtime's MatMul (MLAS), measured against the FMA peak loop.</summary>
internal sealed class Fp32GemmBench : IGemmBenchPrecision
{
    public string Name => "fp32";

    public string Unit => "GFLOP/s";

    public string? Unavailable(CpuFeatures cpu) => null;

    public IReadOnlyList<IGemmBenchEngine> CreateEngines(GemmShape shape, int threads, float[] a, float[] b) =>
        [new GravitonSgemm(shape, threads, a, b), new OrtMatMul(shape, threads, a, b)];

    public (double Rate, string Description) MeasurePeak(int threads) =>
        (SgemmPeak.MeasureGflops(threads), SgemmPeak.Description);

    private sealed class GravitonSgemm(GemmShape shape, int threads, float[] a, float[] b) : IGemmBenchEngine
    {
        private readonly SgemmPackedB _packed = Sgemm.PackB(b, shape.K, shape.N);
        private readonly float[] _c = new float[shape.M * shape.N];

        public string Name => "graviton";

        public string Detail => $"kernel {_packed.KernelName}";

        public void Run() => Sgemm.Run(shape.M, a, shape.K, _packed, _c, shape.N, default, threads);

        public void Dispose()
        {
        }
    }
}
