namespace MlNetGraviton.Runtime.Graph;

/// <summary>
/// A node the graviton engine has no kernel for (op type, domain and opset) or whose attributes ask for something the
/// kernel does not do. Thrown at load, so a model either runs completely or not at all.
/// </summary>
public sealed class UnsupportedOperatorException : NotSupportedException
{
    public UnsupportedOperatorException(string nodeName, string opType, string domain, long opset, string reason)
        : base($"node '{nodeName}': {opType} (domain '{DisplayDomain(domain)}', opset {opset}) {reason}")
    {
        NodeName = nodeName;
        OpType = opType;
        Domain = domain;
        Opset = opset;
    }

    public string NodeName { get; }

    public string OpType { get; }

    /// <summary>The node's domain; the default ONNX domain is reported as ai.onnx.</summary>
    public string Domain { get; }

    public long Opset { get; }

    internal static string DisplayDomain(string domain) => domain.Length == 0 ? "ai.onnx" : domain;
}
