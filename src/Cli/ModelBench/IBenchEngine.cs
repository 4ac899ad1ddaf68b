using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>One way of running a model for `bench model`: our session, ONNX Runtime, or ML.NET's ApplyOnnxModel.</summary>
internal interface IBenchEngine : IDisposable
{
    /// <summary>CSV engine column: graviton, ort or mlnet.</summary>
    string Name { get; }

    string Version { get; }

    string Providers { get; }

    string Optimizer { get; }

    /// <summary>What does the heavy lifting (kernel family or library), for the CSV's kernel column.</summary>
    string Kernel { get; }

    /// <summary>Runs one inference on the prepared inputs; the caller times it.</summary>
    void RunOnce();
}

/// <summary>What an engine needs to prepare one measurement cell.</summary>
internal sealed record BenchCase(string ModelName, string ModelPath, string Precision, int BatchSize, int SequenceLength, int Threads,
    IReadOnlyDictionary<string, Tensor> Inputs, string OutputName);

/// <summary>An engine that cannot serve a case says why; the bench reports it and moves on, never a fake number.</summary>
internal sealed class EngineUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
