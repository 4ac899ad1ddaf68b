namespace MlNetGraviton.Runtime;

/// <summary>How <see cref="InferenceSessionFactory"/> opens a model.</summary>
public sealed class InferenceOptions
{
    public InferenceEngine Engine { get; set; } = InferenceEngine.Graviton;

    public Precision Precision { get; set; } = Precision.Float32;

    /// <summary>Intra-op threads; 0 lets the engine choose (one per core).</summary>
    public int Threads { get; set; }

    /// <summary>Extra settings for the ONNX Runtime engine; ignored by the others.</summary>
    public OrtBackendOptions? Ort { get; set; }
}
