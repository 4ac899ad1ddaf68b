namespace MlNetGraviton.Runtime.Conformance;

/// <summary>The results of a conformance run, in test-name order, with counts overall and per op.</summary>
public sealed class ConformanceReport(IReadOnlyList<NodeTestResult> results)
{
    public IReadOnlyList<NodeTestResult> Results { get; } = results;

    public int Passed => Count(NodeTestOutcome.Passed);

    public int Failed => Count(NodeTestOutcome.Failed);

    public int Skipped => Count(NodeTestOutcome.Skipped);

    /// <summary>Per op (ordinal name order): how many tests passed, failed and were skipped.</summary>
    public IEnumerable<(string Op, int Passed, int Failed, int Skipped)> ByOp() =>
        Results.GroupBy(r => r.Op, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(r => r.Outcome == NodeTestOutcome.Passed), g.Count(r => r.Outcome == NodeTestOutcome.Failed),
                g.Count(r => r.Outcome == NodeTestOutcome.Skipped)));

    /// <summary>The line scripts read: "conformance: N passed, N failed, N skipped".</summary>
    public string SummaryLine => $"conformance: {Passed} passed, {Failed} failed, {Skipped} skipped";

    private int Count(NodeTestOutcome outcome) => Results.Count(r => r.Outcome == outcome);
}
