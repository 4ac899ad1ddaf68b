namespace MlNetGraviton.Cli.Bench;

/// <summary>The precisions `bench gemm` knows; a precision whose engine has not landed yet maps to null.</summary>
internal static class GemmBenchPrecisions
{
    public static readonly IReadOnlyList<string> Names = ["fp32", "int8", "bf16"];

    /// <summary>The benchmark for <paramref name="name"/>, or null when it is not available yet.</summary>
    public static IGemmBenchPrecision? Find(string name) => name switch
    {
        "fp32" => new Fp32GemmBench(),
        "bf16" => new Bf16GemmBench(),
        "int8" => new Int8GemmBench(),
        _ => null,
    };
}
