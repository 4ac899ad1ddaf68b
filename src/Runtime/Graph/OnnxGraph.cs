namespace MlNetGraviton.Runtime.Graph;

/// <summary>
/// A loaded, validated graph: nodes in an order where every input is produced before use, constants (initializers and
/// folded Constant nodes) by name, graph inputs and outputs with symbolic dimensions, and the opset of each domain.
/// </summary>
internal sealed class OnnxGraph
{
    public required string Source { get; init; }

    /// <summary>Imported opset version per domain; the default domain is "".</summary>
    public required IReadOnlyDictionary<string, long> Opsets { get; init; }

    public required IReadOnlyList<GraphNode> Nodes { get; init; }

    public required IReadOnlyDictionary<string, Tensor> Constants { get; init; }

    public required IReadOnlyList<TensorInfo> Inputs { get; init; }

    public required IReadOnlyList<TensorInfo> Outputs { get; init; }

    /// <summary>Element types the file declares for intermediate values (value_info), where it declares them.</summary>
    public required IReadOnlyDictionary<string, TensorInfo> DeclaredValues { get; init; }

    public long OpsetOf(string domain) => Opsets.TryGetValue(domain, out long version) ? version : 0;

    /// <summary>"" for ai.onnx and the empty domain, the domain itself otherwise.</summary>
    public static string NormalizeDomain(string? domain) =>
        string.IsNullOrEmpty(domain) || domain == "ai.onnx" ? "" : domain;
}
