using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Runtime;

/// <summary>Opens a model on the engine and precision the options ask for, or says clearly why it cannot.</summary>
public static class InferenceSessionFactory
{
    public static IInferenceSession Create(string modelPath, InferenceOptions options) =>
        Create(modelPath, options, CpuFeatures.Current);

    internal static IInferenceSession Create(string modelPath, InferenceOptions options, CpuFeatures cpu)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cpu);
        if (options.Threads < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must be 0 (engine default) or more");

        switch (options.Engine)
        {
            case InferenceEngine.Graviton:
                return CreateGraviton(modelPath, options, cpu);
            case InferenceEngine.OnnxRuntime:
                return CreateOrt(modelPath, options, cpu);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Engine, "unknown inference engine");
        }
    }

    internal static OrtBackendOptions OrtOptionsFor(InferenceOptions options, OrtPrecisionPlan plan)
    {
        OrtBackendOptions ort = options.Ort?.Clone() ?? new OrtBackendOptions();
        if (ort.RequestsBf16FastMath && !plan.Bf16FastMath)
            throw new ArgumentException(
                $"the ONNX Runtime options ask for bf16 fast-math but the precision is {options.Precision} " +
                $"(resolved to {plan.Chosen}); set Precision = BFloat16 or drop the fast-math setting", nameof(options));
        ort.Bf16FastMath = plan.Bf16FastMath;

        if (options.Threads > 0)
        {
            if (ort.IntraOpThreads > 0 && ort.IntraOpThreads != options.Threads)
                throw new ArgumentException(
                    $"Threads = {options.Threads} conflicts with Ort.IntraOpThreads = {ort.IntraOpThreads}; set one of them", nameof(options));
            ort.IntraOpThreads = options.Threads;
        }
        return ort;
    }

    private static GravitonSession CreateGraviton(string modelPath, InferenceOptions options, CpuFeatures cpu)
    {
        if (options.Ort is not null && options.Ort.Bf16FastMath)
            throw new ArgumentException("ONNX Runtime options (bf16 fast-math) do not apply to the graviton engine; drop them or use InferenceEngine.OnnxRuntime", nameof(options));
        string note = options.Precision switch
        {
            Precision.Float32 => "",
            Precision.Auto => AutoNote(cpu),
            Precision.BFloat16 => Bf16Note(cpu),
            Precision.Int8 => "",
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Precision, "unknown precision"),
        };
        // Kernels are picked for the CPU this process runs on; a described CPU (tests) only shapes the precision decision.
        if (options.Precision == Precision.Int8)
            return CreateGravitonInt8(modelPath, options);
        Precision chosen = options.Precision == Precision.BFloat16 ? Precision.BFloat16 : Precision.Float32;
        return new GravitonSession(Graph.OnnxGraphLoader.Load(modelPath), options.Threads, CpuFeatures.Current, chosen, note);
    }

    /// <summary>An explicit bf16 request: refused at once, naming the missing feature, when the CPU has no bf16 kernel.</summary>
    private static string Bf16Note(CpuFeatures cpu)
    {
        _ = SgemmKernelInfo.SelectFastMath(cpu, out string reason) ?? throw GravitonSession.Bf16Unavailable(reason);
        return "";
    }

    /// <summary>
    /// Auto on the graviton engine stays fp32: measuring bf16 (and int8) against fp32 on sample rows is the pipeline's
    /// precision-selection estimator's job. The note says whether bf16 was available and not chosen.
    /// </summary>
    private static string AutoNote(CpuFeatures cpu) =>
        SgemmKernelInfo.SelectFastMath(cpu, out string reason) is { } bf16
            ? $"auto: fp32; bf16 fast-math ({SgemmKernelInfo.Name(bf16)}) is available but not chosen: Auto does not measure " +
              "precisions here (the pipeline's precision selection does); ask for it with Precision.BFloat16; int8 with Precision.Int8"
            : $"auto: fp32; bf16 fast-math unavailable ({reason.TrimEnd('.')}); int8 runs when asked for with Precision.Int8";

    /// <summary>
    /// int8 on the graviton engine: an fp32 model is quantized at load exactly as `mlnetgraviton quantize --per-channel`
    /// writes it (s8 weights with one scale per output column: on the real all-MiniLM-L6-v2 over the 3,000 UCI sentences
    /// the embeddings' cosine to fp32 is 0.991 mean / 0.961 min, against 0.951 / 0.793 with ORT's per-tensor default);
    /// a model that already holds quantized ops runs as it is. Then each quantized MatMul pattern becomes one
    /// DynamicQuantizeMatMul on QGEMM with the weight prepacked.
    /// </summary>
    private static GravitonSession CreateGravitonInt8(string modelPath, InferenceOptions options)
    {
        string full = Path.GetFullPath(modelPath);
        Onnx.ModelProto model = Quantization.DynamicQuantizer.ReadModel(full);
        string origin;
        if (Quantization.QuantizedModels.IsQuantized(model))
        {
            origin = "pre-quantized model";
        }
        else
        {
            model = Quantization.DynamicQuantizer.Quantize(model, AtLoadQuantization, out var report);
            origin = $"quantized at load: {report.Summary}";
        }
        model = Quantization.QuantizedMatMulFusion.Apply(model, out int fused);
        // The QGEMM kernel is picked per weight when B is packed (a saturating kernel only where B's values allow it).
        IReadOnlyList<string> kernels = Kernels.Gemm.Qgemm.SupportedKernels(CpuFeatures.Current);
        string note = $"{origin}; {fused} MatMuls on QGEMM {kernels[0]}" + (kernels.Count > 1 ? $" (per weight; fallback {kernels[1]})" : "");
        Graph.OnnxGraph graph = Graph.OnnxGraphLoader.Build(model, Path.GetFileName(full), Path.GetDirectoryName(full));
        return new GravitonSession(graph, options.Threads, CpuFeatures.Current, Precision.Int8, note);
    }

    /// <summary>How Precision.Int8 quantizes an fp32 model at load: per-channel s8 weights, full range.</summary>
    internal static readonly Quantization.DynamicQuantizationOptions AtLoadQuantization = new() { PerChannel = true };


    private static OrtBackendSession CreateOrt(string modelPath, InferenceOptions options, CpuFeatures cpu)
    {
        OrtPrecisionPlan plan = OrtPrecisionPlan.For(options.Precision, cpu);
        return new OrtBackendSession(modelPath, OrtOptionsFor(options, plan), plan.Reason, cpu);
    }
}
