namespace MlNetGraviton.Runtime.Ops.Fused;

/// <summary>
/// Ops that only the graviton optimizer writes (domain <see cref="Domain"/>): fused forms of subgraphs, such as a
/// MatMul with its bias and activation in one GEMM epilogue. Never read from files users hand in.
/// </summary>
internal static class FusedOps
{
    public const string Domain = "ai.mlnetgraviton";

    public static OpRegistry Register(OpRegistry registry) => registry;
}
