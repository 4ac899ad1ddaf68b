namespace MlNetGraviton.Runtime.Graph;

/// <summary>
/// A model file the graviton engine cannot read or that breaks ONNX's rules (truncated protobuf, a node input nothing
/// produces, a cycle, external data outside the model's folder). The message names the file and, where one is at fault, the node.
/// </summary>
public sealed class OnnxModelException : Exception
{
    public OnnxModelException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
