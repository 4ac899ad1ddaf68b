namespace MlNetGraviton.Runtime.Execution;

/// <summary>A node failed during a run (shapes that do not fit, an index out of range); the message names the node.</summary>
public sealed class GraphExecutionException(string nodeName, string opType, Exception inner)
    : InvalidOperationException($"node '{nodeName}' ({opType}) failed: {inner.Message}", inner)
{
    public string NodeName { get; } = nodeName;

    public string OpType { get; } = opType;
}
