using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Quantization;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// int8: dynamic quantization of A (every call) + our QGEMM with the fused dequantize epilogue, against ONNX Runtime's
/// DynamicQuantizeMatMul on the same per-column symmetric s8 weights (7-bit where our best kernel is VPMADDUBSW, as
/// `bench model` quantizes; ORT's speed does not depend on the values); measured against the int8 MAC peak loop.
/// </summary>
internal sealed class Int8GemmBench : IGemmBenchPrecision
{
    public string Name => "int8";

    public string Unit => "GOP/s";

    public string? Unavailable(CpuFeatures cpu) => null; // the scalar kernel runs everywhere

    public IReadOnlyList<IGemmBenchEngine> CreateEngines(GemmShape shape, int threads, float[] a, float[] b)
    {
        var qb = new sbyte[shape.K * shape.N];
        var scales = new float[shape.N];
        // As `bench model` quantizes for this CPU: 7-bit weights (ORT's reduce_range) where the best kernel is VPMADDUBSW.
        bool reduceRange = Qgemm.PrefersReducedRangeWeights();
        WeightQuantize.SymmetricPerColumn(b, shape.K, shape.N, qb, scales, reduceRange);
        string weights = reduceRange ? "7-bit weights" : "8-bit weights";
        return [new GravitonQgemm(shape, threads, a, qb, scales, weights), new Int8OrtDynamicQuantizeMatMul(shape, threads, a, qb, scales)];
    }

    public (double Rate, string Description) MeasurePeak(int threads) =>
        (QgemmPeak.MeasureGops(threads), QgemmPeak.Description());

    private sealed class GravitonQgemm : IGemmBenchEngine
    {
        private readonly GemmShape _shape;
        private readonly int _threads;
        private readonly float[] _a;
        private readonly float[] _scales;
        private readonly QgemmPackedB _packed;
        private readonly byte[] _qa;
        private readonly float[] _c;
        private readonly string _weights;

        public GravitonQgemm(GemmShape shape, int threads, float[] a, sbyte[] qb, float[] scales, string weights)
        {
            _weights = weights;
            _shape = shape;
            _threads = threads;
            _a = a;
            _scales = scales;
            _packed = Qgemm.PackB(qb, shape.K, shape.N, [0]);
            _qa = new byte[shape.M * shape.K];
            _c = new float[shape.M * shape.N];
        }

        public string Name => "graviton";

        public string Detail => $"kernel {_packed.KernelName}, {_weights}"
            + (_packed.SaturationFixupCount > 0 ? $", {_packed.SaturationFixupCount} exact pair corrections" : "")
            + ", A quantized per call";

        public void Run()
        {
            DynamicQuantize.ToUInt8(_a, _qa, out float aScale, out byte aZeroPoint);
            var epilogue = new QgemmEpilogue { AScale = aScale, BScales = _scales };
            Qgemm.Run(_shape.M, _qa, _shape.K, aZeroPoint, _packed, _c, _shape.N, epilogue, _threads);
        }

        public void Dispose()
        {
        }
    }
}
