namespace MlNetGraviton.Runtime;

/// <summary>Which engine executes the graph.</summary>
public enum InferenceEngine
{
    /// <summary>The project's own engine on MlNetGraviton.Kernels (fp32 for now).</summary>
    Graviton,

    /// <summary>Microsoft.ML.OnnxRuntime's CPU execution provider.</summary>
    OnnxRuntime,
}
