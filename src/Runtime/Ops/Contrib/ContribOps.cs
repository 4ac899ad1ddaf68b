namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// ONNX Runtime's transformer contrib ops (domain com.microsoft) that ORT's graph optimizer writes into optimized
/// graphs. Each entry names the contrib opset range its kernel follows (ORT ships com.microsoft at opset 1).
/// </summary>
internal static class ContribOps
{
    public const string Domain = "com.microsoft";

    public static OpRegistry Register(OpRegistry registry) => registry;
}
