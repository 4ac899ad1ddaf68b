using MlNetGraviton.Kernels;

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
                throw new NotSupportedException("the graviton engine is not available yet; use --engine ort (InferenceEngine.OnnxRuntime)");
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

    private static OrtBackendSession CreateOrt(string modelPath, InferenceOptions options, CpuFeatures cpu)
    {
        OrtPrecisionPlan plan = OrtPrecisionPlan.For(options.Precision, cpu);
        return new OrtBackendSession(modelPath, OrtOptionsFor(options, plan), plan.Reason, cpu);
    }
}
