namespace MlNetGraviton.Runtime.Conformance;

/// <summary>What happened to one ONNX node test on the graviton engine.</summary>
public enum NodeTestOutcome
{
    /// <summary>Every output matched the expected one within tolerance.</summary>
    Passed,

    /// <summary>An output differed, the run threw, or the load failed with anything but the engine's clear unsupported error.</summary>
    Failed,

    /// <summary>An op of the test has no kernel, or the engine refused a documented unsupported form at load with its clear error.</summary>
    Skipped,
}
