namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>ONNX Runtime on the same model file: the reference every graviton result is compared with.</summary>
internal static class OrtReference
{
    public static IReadOnlyDictionary<string, Tensor> Run(
        string modelPath, IReadOnlyDictionary<string, Tensor> inputs, GraphOptimization level = GraphOptimization.Disable)
    {
        using var session = new OrtBackendSession(modelPath, new OrtBackendOptions { IntraOpThreads = 1, GraphOptimizationLevel = level });
        return session.Run(inputs);
    }

    /// <summary>Writes ONNX Runtime's optimized form of <paramref name="modelPath"/> (contrib ops and all) to <paramref name="optimizedPath"/>.</summary>
    public static void WriteOptimized(string modelPath, string optimizedPath, GraphOptimization level)
    {
        using var session = new OrtBackendSession(modelPath, new OrtBackendOptions
        {
            IntraOpThreads = 1,
            GraphOptimizationLevel = level,
            OptimizedModelFilePath = optimizedPath,
        });
    }
}
