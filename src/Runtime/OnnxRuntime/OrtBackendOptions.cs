using Microsoft.ML.OnnxRuntime;

namespace MlNetGraviton.Runtime;

/// <summary>Settings for an ONNX Runtime session (CPU execution provider).</summary>
public sealed class OrtBackendOptions
{
    /// <summary>ONNX Runtime's session config key that turns on bf16 fast-math GEMM on Arm64 CPUs with BF16.</summary>
    public const string Bf16FastMathConfigKey = "mlas.enable_gemm_fastmath_arm64_bfloat16";

    /// <summary>Intra-op threads; 0 = ONNX Runtime's default (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Inter-op threads (only used by parallel execution); 0 = default.</summary>
    public int InterOpThreads { get; set; }

    public GraphOptimization GraphOptimizationLevel { get; set; } = GraphOptimization.All;

    /// <summary>Passed as is to SessionOptions.AddSessionConfigEntry.</summary>
    public IDictionary<string, string> ConfigEntries { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Sets <see cref="Bf16FastMathConfigKey"/> = "1" (Arm64 with BF16 only).</summary>
    public bool Bf16FastMath { get; set; }

    /// <summary>When set, ONNX Runtime writes the graph it optimized to this file.</summary>
    public string? OptimizedModelFilePath { get; set; }

    /// <summary>True when the bf16 fast-math GEMM is requested, by the flag or by the raw config entry.</summary>
    public bool RequestsBf16FastMath =>
        Bf16FastMath || (ConfigEntries.TryGetValue(Bf16FastMathConfigKey, out string? v) && v == "1");

    public OrtBackendOptions Clone() => new()
    {
        IntraOpThreads = IntraOpThreads,
        InterOpThreads = InterOpThreads,
        GraphOptimizationLevel = GraphOptimizationLevel,
        ConfigEntries = new Dictionary<string, string>(ConfigEntries, StringComparer.Ordinal),
        Bf16FastMath = Bf16FastMath,
        OptimizedModelFilePath = OptimizedModelFilePath,
    };

    internal SessionOptions ToSessionOptions()
    {
        if (IntraOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be 0 (default) or more");
        if (InterOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "InterOpThreads must be 0 (default) or more");

        var options = new SessionOptions();
        try
        {
            options.IntraOpNumThreads = IntraOpThreads;
            options.InterOpNumThreads = InterOpThreads;
            options.GraphOptimizationLevel = GraphOptimizationLevel switch
            {
                GraphOptimization.Disable => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                GraphOptimization.All => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
                _ => throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), GraphOptimizationLevel, "unknown graph optimization level"),
            };
            if (OptimizedModelFilePath is not null)
                options.OptimizedModelFilePath = OptimizedModelFilePath;
            foreach ((string key, string value) in ConfigEntries)
                AddConfig(options, key, value);
            if (Bf16FastMath)
                AddConfig(options, Bf16FastMathConfigKey, "1");
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static void AddConfig(SessionOptions options, string key, string value)
    {
        try
        {
            options.AddSessionConfigEntry(key, value);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ArgumentException($"ONNX Runtime rejected session config entry '{key}' = '{value}': {e.Message}", nameof(ConfigEntries), e);
        }
    }
}
