using System.Diagnostics;
using System.Globalization;
using System.Text;
using MlNetGraviton.Runtime.Graph;

namespace MlNetGraviton.Runtime.Execution;

/// <summary>
/// Wall time spent in each node's kernel, summed over the runs made while profiling is on (thread-safe: concurrent
/// runs add to the same counters). The summary groups nodes by op type (fused ops by what they fused), heaviest first.
/// </summary>
internal sealed class NodeProfile(IReadOnlyList<GraphNode> nodes)
{
    private readonly long[] _ticks = new long[nodes.Count];
    private readonly int[] _calls = new int[nodes.Count];
    private int _runs;

    public void Add(int node, long ticks)
    {
        Interlocked.Add(ref _ticks[node], ticks);
        Interlocked.Increment(ref _calls[node]);
    }

    public void EndRun() => Interlocked.Increment(ref _runs);

    /// <summary>One line per op type: total ms per run, share of the run, node count; then the per-run total.</summary>
    public string Summary()
    {
        int runs = Math.Max(1, Volatile.Read(ref _runs));
        double perTick = 1000.0 / Stopwatch.Frequency / runs;
        var byOp = new Dictionary<string, (double Ms, int Nodes)>(StringComparer.Ordinal);
        double total = 0;
        for (int i = 0; i < nodes.Count; i++)
        {
            if (_calls[i] == 0)
                continue;
            GraphNode node = nodes[i];
            string key = node.Domain.Length == 0 ? node.OpType : $"{node.OpType} ({node.Domain})";
            double ms = Volatile.Read(ref _ticks[i]) * perTick;
            (double sum, int count) = byOp.GetValueOrDefault(key);
            byOp[key] = (sum + ms, count + 1);
            total += ms;
        }
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"op",-40} {"ms/run",9} {"share",7} {"nodes",6}");
        foreach (var (op, (ms, count)) in byOp.OrderByDescending(kv => kv.Value.Ms))
            text.AppendLine(CultureInfo.InvariantCulture, $"{op,-40} {ms,9:F3} {ms / Math.Max(total, 1e-12),7:P1} {count,6}");
        text.Append(CultureInfo.InvariantCulture, $"{"total (kernels only)",-40} {total,9:F3} over {runs} run(s)");
        return text.ToString();
    }
}
