using System.Globalization;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>
/// The summary table: QPS per engine for each model, precision, batch and sequence length, and each engine's ratio to
/// ONNX Runtime at the same precision (to ORT fp32 where ORT cannot run that precision, marked so).
/// </summary>
internal static class BenchSummary
{
    public static void Print(TextWriter output, IReadOnlyList<BenchResult> results)
    {
        if (results.Count == 0)
        {
            output.WriteLine("no results");
            return;
        }
        string[] engines = results.Select(r => r.Engine).Distinct().OrderBy(e => e == "ort" ? 1 : e == "mlnet" ? 2 : 0).ToArray();
        var header = new List<string> { "model", "precision", "batch", "seq" };
        header.AddRange(engines.Select(e => $"{e} QPS"));
        header.AddRange(engines.Where(e => e != "ort").Select(e => $"{e}/ort"));
        var rows = new List<string[]> { header.ToArray() };
        foreach (var cell in results.GroupBy(r => (r.ModelName, r.Precision, r.BatchSize, r.SequenceLength)))
        {
            var row = new List<string> { cell.Key.ModelName, cell.Key.Precision, Int(cell.Key.BatchSize), Int(cell.Key.SequenceLength) };
            foreach (string e in engines)
                row.Add(cell.FirstOrDefault(r => r.Engine == e) is { } r ? LatencyStats.F2(r.Stats.Qps) : "-");
            BenchResult? ort = cell.FirstOrDefault(r => r.Engine == "ort");
            string mark = "";
            if (ort is null)
            {
                ort = results.FirstOrDefault(r => r.Engine == "ort" && r.Precision == "fp32" && r.ModelName == cell.Key.ModelName
                                                  && r.BatchSize == cell.Key.BatchSize && r.SequenceLength == cell.Key.SequenceLength);
                mark = " (vs ort fp32)";
            }
            foreach (string e in engines.Where(e => e != "ort"))
            {
                BenchResult? mine = cell.FirstOrDefault(r => r.Engine == e);
                row.Add(mine is not null && ort is not null ? (mine.Stats.Qps / ort.Stats.Qps).ToString("F2", CultureInfo.InvariantCulture) + mark : "-");
            }
            rows.Add(row.ToArray());
        }
        int[] widths = Enumerable.Range(0, header.Count).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (string[] row in rows)
            output.WriteLine(string.Join("  ", row.Select((c, i) => i < 4 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
    }

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
}
