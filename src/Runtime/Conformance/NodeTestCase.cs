namespace MlNetGraviton.Runtime.Conformance;

/// <summary>
/// One ONNX node test folder: its name, the op it is about, and why the engine cannot run it (null when every node's
/// (domain, op, opset) has a kernel, so the test must run and pass).
/// </summary>
public sealed record NodeTestCase(string Name, string Directory, string Op, string? UnsupportedReason)
{
    public bool IsSupported => UnsupportedReason is null;

    public string ModelPath => Path.Combine(Directory, "model.onnx");
}
