namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// ONNX Runtime's intra-op workers spin-wait after each run by default. The benchmarks interleave engines run by run in
/// one process, so a spinning ORT worker would steal a core from the engine that runs next; both benches turn it off.
/// </summary>
internal static class OrtSpinning
{
    public const string ConfigKey = "session.intra_op.allow_spinning";
}
