namespace MlNetGraviton.Runtime;

/// <summary>A loaded model that runs on one engine. Run may be called from several threads at once.</summary>
public interface IInferenceSession : IDisposable
{
    IReadOnlyList<TensorInfo> Inputs { get; }

    IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The precision the session actually computes in (what Auto resolved to).</summary>
    Precision ChosenPrecision { get; }

    /// <summary>One line for logs: engine, version, precision and why, threads.</summary>
    string Description { get; }

    /// <summary>
    /// Runs the model. Every graph input must be given, with the graph's element type, rank and fixed dimensions;
    /// <paramref name="outputNames"/> selects outputs (all when null). Returns the outputs by name.
    /// </summary>
    IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyCollection<string>? outputNames = null);

    /// <summary>
    /// Hands a run's outputs back once the caller is done with them, so later runs reuse their memory instead of
    /// allocating (what ONNX Runtime's arena does when an output OrtValue is disposed). The tensors must not be read
    /// after this. Optional: an engine without a pool ignores it, and not calling it only costs allocations.
    /// </summary>
    void ReturnOutputs(IReadOnlyDictionary<string, Tensor> outputs)
    {
    }
}
