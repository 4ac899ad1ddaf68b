namespace MlNetGraviton.Cli.Bench;

/// <summary>C[M, N] = A[M, K]·B[K, N]; B is the constant (weight) operand.</summary>
internal readonly record struct GemmShape(int M, int K, int N)
{
    /// <summary>Multiply-adds counted as two operations.</summary>
    public double Operations => 2.0 * M * K * N;

    public override string ToString() => $"M={M} K={K} N={N}";
}
