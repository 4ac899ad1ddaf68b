using MlNetGraviton.Runtime.Conformance;

namespace MlNetGraviton.Cli.Commands;

/// <summary>
/// `conformance`: ONNX's backend node tests on the graviton engine. Prints passed / failed / skipped per op, the skipped
/// tests grouped by reason, each failure with its first mismatch, and last the line scripts read:
/// "conformance: N passed, N failed, N skipped". Exit code 1 when any test failed.
/// </summary>
internal static class ConformanceCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string> { "verbose", "v" });
        string? op = cl.Value("op");
        string data = cl.Value("data") ?? ConformanceOptions.DefaultDataDirectory;
        bool verbose = cl.Flag("verbose", "v");
        int threads = cl.Int("threads", 1);
        cl.EnsureAllRead(0);
        if (threads < 1)
            throw new UsageException("--threads must be at least 1");

        var options = new ConformanceOptions { DataDirectory = data, Op = op, Threads = threads };
        IReadOnlyList<NodeTestCase> cases = ConformanceRunner.Discover(options);
        if (cases.Count == 0)
            throw new UsageException(op is null ? $"no ONNX node tests in '{data}'" : $"no ONNX node test is about op '{op}' in '{data}'");

        var results = new List<NodeTestResult>(cases.Count);
        foreach (NodeTestCase test in cases)
        {
            NodeTestResult result = ConformanceRunner.RunTest(test, threads);
            results.Add(result);
            if (verbose)
                output.WriteLine($"{Label(result.Outcome),-7} {result.Name}{(result.Detail.Length > 0 ? ": " + result.Detail : "")}");
        }
        var report = new ConformanceReport(results);

        output.WriteLine($"{"op",-36} {"passed",7} {"failed",7} {"skipped",8}");
        foreach (var (name, passed, failed, skipped) in report.ByOp())
            output.WriteLine($"{name,-36} {passed,7} {failed,7} {skipped,8}");

        var skips = report.Results.Where(r => r.Outcome == NodeTestOutcome.Skipped).ToList();
        if (skips.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"skipped ({skips.Count}), by reason:");
            foreach (var group in skips.GroupBy(r => SkipReason(r.Detail)).OrderBy(g => g.Key, StringComparer.Ordinal))
                output.WriteLine($"  {group.Key}: {string.Join(' ', group.Select(r => r.Name))}");
        }
        var failures = report.Results.Where(r => r.Outcome == NodeTestOutcome.Failed).ToList();
        if (failures.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"failed ({failures.Count}):");
            foreach (NodeTestResult f in failures)
                output.WriteLine($"  {f.Name}: {f.Detail}");
        }
        output.WriteLine(report.SummaryLine);
        return report.Failed > 0 ? 1 : 0;
    }

    private static string Label(NodeTestOutcome outcome) => outcome switch
    {
        NodeTestOutcome.Passed => "pass",
        NodeTestOutcome.Failed => "FAIL",
        _ => "skip",
    };

    /// <summary>Load refusals name the node, which differs per test: group them by what follows the node's name.</summary>
    private static string SkipReason(string detail)
    {
        const string Node = "node '";
        int at = detail.IndexOf(Node, StringComparison.Ordinal);
        int end = at < 0 ? -1 : detail.IndexOf("': ", at + Node.Length, StringComparison.Ordinal);
        return end < 0 ? detail : detail[..at] + detail[(end + 3)..];
    }
}
