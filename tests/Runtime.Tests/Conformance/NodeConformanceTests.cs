using MlNetGraviton.Runtime.Conformance;

namespace MlNetGraviton.Runtime.Tests.Conformance;

/// <summary>
/// ONNX's own backend node tests (Debian libonnx-testdata) on the graviton engine: one case per test whose ops all have
/// kernels. Each must pass, or be refused at load with the engine's clear unsupported error (a documented limitation,
/// e.g. a double input); a wrong value, a crash or any other error fails.
/// </summary>
public sealed class NodeConformanceTests
{
    // Discovery parses every model once; the cases share it.
    private static readonly Lazy<Dictionary<string, NodeTestCase>> Installed = new(() => NodeTestData.Installed
        ? ConformanceRunner.Discover(new ConformanceOptions { DataDirectory = NodeTestData.Directory }).ToDictionary(t => t.Name)
        : []);

    public static TheoryData<string> SupportedTests() =>
        new(Installed.Value.Values.Where(t => t.IsSupported).Select(t => t.Name));

    [Fact]
    public void Node_tests_are_installed() => Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);

    [Theory]
    [MemberData(nameof(SupportedTests))]
    public void Node_test_passes(string name)
    {
        NodeTestResult result = ConformanceRunner.RunTest(Installed.Value[name]);
        Assert.True(result.Outcome != NodeTestOutcome.Failed, $"{name} ({result.Op}): {result.Detail}");
        if (result.Outcome == NodeTestOutcome.Skipped)
            Assert.StartsWith("refused at load: ", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Most_supported_tests_run_rather_than_being_refused()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        ConformanceReport report = ConformanceRunner.Run(new ConformanceOptions { DataDirectory = NodeTestData.Directory });
        Assert.Equal(0, report.Failed);
        // ONNX 1.12 has over 900 node tests; the engine's ops cover several hundred of them. A sudden drop means the
        // runner stopped recognising kernels (or the data changed), not that the engine got better.
        Assert.True(report.Passed >= 400, report.SummaryLine);
        Assert.True(report.Results.Count >= 900, report.SummaryLine);
    }
}
