namespace MlNetGraviton.Runtime.Conformance;

/// <summary>Where ONNX's node tests are and which of them to run.</summary>
public sealed class ConformanceOptions
{
    /// <summary>Where Debian's libonnx-testdata package installs ONNX's backend node tests.</summary>
    public const string DebianDataDirectory = "/usr/share/libonnx-testdata/data/node";

    /// <summary>The environment variable that points the runner at another copy of the node tests.</summary>
    public const string DataDirectoryVariable = "MLNETGRAVITON_ONNX_TESTDATA";

    /// <summary>The folder holding one sub-folder per node test (model.onnx, test_data_set_N/).</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory;

    /// <summary>Only the tests of this op (case-insensitive, e.g. "Softmax"); null runs all.</summary>
    public string? Op { get; init; }

    /// <summary>Intra-op threads per session; 1 keeps the suite light next to other work.</summary>
    public int Threads { get; init; } = 1;

    /// <summary><see cref="DataDirectoryVariable"/> when set, else <see cref="DebianDataDirectory"/>.</summary>
    public static string DefaultDataDirectory =>
        Environment.GetEnvironmentVariable(DataDirectoryVariable) is { Length: > 0 } dir ? dir : DebianDataDirectory;
}
