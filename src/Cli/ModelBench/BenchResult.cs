namespace MlNetGraviton.Cli.ModelBench;

/// <summary>One measured cell: an engine on a model at a precision, batch and sequence length.</summary>
internal sealed record BenchResult(
    string Engine, string Version, string Providers, string Precision, string Optimizer, string ModelName, int Inputs,
    int Threads, int BatchSize, int SequenceLength, LatencyStats Stats, string Cpu, string Kernel);
