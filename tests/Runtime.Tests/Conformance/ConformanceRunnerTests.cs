using MlNetGraviton.Runtime.Conformance;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Conformance;

/// <summary>
/// The runner itself, on copies of installed node tests: it can fail (a corrupted expected output, a broken model), it
/// skips only for an unsupported op or the engine's clear load refusal, and it files expanded tests under their op.
/// </summary>
public sealed class ConformanceRunnerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private ConformanceReport RunCopies(string? op = null) =>
        ConformanceRunner.Run(new ConformanceOptions { DataDirectory = _folder.Path, Op = op });

    [Fact]
    public void Intact_copies_pass()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        NodeTestData.CopyTests(_folder, "test_add", "test_softmax_axis_0");
        ConformanceReport report = RunCopies();
        Assert.Equal(2, report.Passed);
        Assert.Equal("conformance: 2 passed, 0 failed, 0 skipped", report.SummaryLine);
    }

    [Fact]
    public void A_corrupted_expected_output_is_a_failure_naming_the_element()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        NodeTestData.CopyTests(_folder, "test_add");
        NodeTestData.EditExpected(_folder.File("test_add"), 0, p => NodeTestData.ShiftFloat(p, 0, 0.01f));
        NodeTestResult result = Assert.Single(RunCopies().Results);
        Assert.Equal(NodeTestOutcome.Failed, result.Outcome);
        Assert.Contains("output 'sum'", result.Detail, StringComparison.Ordinal);
        Assert.Contains("element 0", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_within_tolerance_still_passes_and_one_just_outside_fails()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        NodeTestData.CopyTests(_folder, "test_relu");
        string test = _folder.File("test_relu");
        float[] values = [];
        NodeTestData.EditExpected(test, 0, p => values = NodeTestData.Floats(p));
        // The largest value, where rtol (1e-3 of it) dominates atol.
        int at = Array.IndexOf(values, values.Max());
        Assert.True(values[at] > 0.1f, "test_relu should have a clearly positive expected value");
        NodeTestData.EditExpected(test, 0, p => NodeTestData.ShiftFloat(p, at, values[at] * 0.0005f));
        Assert.Equal(NodeTestOutcome.Passed, Assert.Single(RunCopies().Results).Outcome);
        NodeTestData.EditExpected(test, 0, p => NodeTestData.ShiftFloat(p, at, values[at] * 0.002f));
        NodeTestResult failed = Assert.Single(RunCopies().Results);
        Assert.Equal(NodeTestOutcome.Failed, failed.Outcome);
        Assert.Contains($"element {at} ", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_expected_shape_is_a_failure()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        NodeTestData.CopyTests(_folder, "test_add");
        // Same values, same count, other shape: [3, 4, 5] read as [3, 20].
        NodeTestData.EditExpected(_folder.File("test_add"), 0, p =>
        {
            Assert.Equal([3L, 4L, 5L], p.Dims);
            p.Dims.Clear();
            p.Dims.Add([3L, 20L]);
        });
        NodeTestResult result = Assert.Single(RunCopies().Results);
        Assert.Equal(NodeTestOutcome.Failed, result.Outcome);
        Assert.Contains("shape [3, 4, 5], expected [3, 20]", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_model_is_a_failure_not_a_skip()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        NodeTestData.CopyTests(_folder, "test_add");
        string model = Path.Combine(_folder.File("test_add"), "model.onnx");
        byte[] bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        NodeTestResult result = Assert.Single(RunCopies().Results);
        Assert.Equal(NodeTestOutcome.Failed, result.Outcome);
        Assert.Contains("load failed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_op_without_a_kernel_is_skipped_with_its_name()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        NodeTestData.CopyTests(_folder, "test_conv_with_strides_padding");
        NodeTestResult result = Assert.Single(RunCopies().Results);
        Assert.Equal(NodeTestOutcome.Skipped, result.Outcome);
        Assert.Equal("Conv", result.Op);
        Assert.StartsWith("unsupported op: Conv (ai.onnx opset ", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_the_engine_does_not_hold_is_skipped_with_the_load_error()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        NodeTestData.CopyTests(_folder, "test_cast_DOUBLE_to_FLOAT");
        NodeTestResult result = Assert.Single(RunCopies().Results);
        Assert.Equal(NodeTestOutcome.Skipped, result.Outcome);
        Assert.Contains("double", result.Detail, StringComparison.Ordinal);
        Assert.StartsWith("refused at load: ", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Expanded_tests_count_under_their_op_and_the_op_filter_keeps_only_that_op()
    {
        Assert.True(NodeTestData.Installed, NodeTestData.MissingMessage);
        NodeTestData.CopyTests(_folder, "test_softmax_axis_0", "test_softmax_axis_0_expanded", "test_add");
        ConformanceReport report = RunCopies(op: "softmax");
        Assert.Equal(["test_softmax_axis_0", "test_softmax_axis_0_expanded"], report.Results.Select(r => r.Name));
        Assert.All(report.Results, r => Assert.Equal("Softmax", r.Op));
        Assert.Equal(2, report.Passed);
        Assert.Equal(("Softmax", 2, 0, 0), Assert.Single(report.ByOp()));
    }

    [Fact]
    public void A_missing_data_folder_says_how_to_install_it()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() =>
            ConformanceRunner.Discover(new ConformanceOptions { DataDirectory = _folder.File("absent") }));
        Assert.Contains("libonnx-testdata", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
