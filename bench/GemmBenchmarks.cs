using BenchmarkDotNet.Attributes;
using MlNetGraviton.Cli.Bench;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Benchmarks;

/// <summary>
/// fp32 GEMM on one BERT-base shape (M=128, K=768, N=768), 1 thread: our SGEMM, ONNX Runtime's MatMul on the same
/// data, and the FMA peak loop run for the same operation count (its time over ours is our fraction of peak).
/// The `bench gemm` command gives the same comparison faster; this suite is for careful, repeated measurements.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private static readonly GemmShape Shape = new(128, 768, 768);
    private IGemmBenchEngine _graviton = null!;
    private IGemmBenchEngine _ort = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        float[] a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        IReadOnlyList<IGemmBenchEngine> engines = new Fp32GemmBench().CreateEngines(Shape, threads: 1, a, b);
        _graviton = engines[0];
        _ort = engines[1];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _graviton.Dispose();
        _ort.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void GravitonSgemm() => _graviton.Run();

    [Benchmark]
    public void OrtMatMul() => _ort.Run();

    [Benchmark]
    public void PeakLoopSameFlops() => SgemmPeak.RunFlops(Shape.Operations, threads: 1);
}
