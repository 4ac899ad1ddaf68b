namespace MlNetGraviton.Cli.ModelBench;

/// <summary>QPS against sequence length, one line per engine and precision, one PNG per model and batch size.</summary>
internal static class BenchChart
{
    public static IReadOnlyList<string> Write(string csvPath, IReadOnlyList<BenchResult> results)
    {
        var written = new List<string>();
        string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csvPath)) ?? ".", Path.GetFileNameWithoutExtension(csvPath));
        foreach (var group in results.GroupBy(r => (r.ModelName, r.BatchSize)))
        {
            var plot = new ScottPlot.Plot();
            foreach (var line in group.GroupBy(r => (r.Engine, r.Precision)).OrderBy(g => g.Key.Engine).ThenBy(g => g.Key.Precision))
            {
                BenchResult[] points = line.OrderBy(r => r.SequenceLength).ToArray();
                var scatter = plot.Add.Scatter(points.Select(p => Math.Log2(p.SequenceLength)).ToArray(), points.Select(p => p.Stats.Qps).ToArray());
                scatter.LegendText = $"{line.Key.Engine} {line.Key.Precision}";
                scatter.LineWidth = 2;
                scatter.MarkerSize = 7;
            }
            BenchResult first = group.First();
            plot.Title($"{group.Key.ModelName}: QPS vs sequence length (batch {group.Key.BatchSize}, {first.Threads} threads)");
            plot.XLabel("sequence length (tokens, log scale)");
            plot.YLabel("queries per second");
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                group.Select(r => r.SequenceLength).Distinct().Order().Select(v => new ScottPlot.Tick(Math.Log2(v), v.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
            plot.Axes.SetLimitsY(0, group.Max(r => r.Stats.Qps) * 1.1);
            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
            string path = $"{stem}-{Sanitize(group.Key.ModelName)}-b{group.Key.BatchSize}.png";
            plot.SavePng(path, 900, 560);
            written.Add(path);
        }
        return written;
    }

    private static string Sanitize(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_'));
}
