using System.Globalization;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>The optimized graph and how many times each pass fired.</summary>
internal sealed record OptimizationResult(OnnxGraph Graph, IReadOnlyDictionary<string, int> Counts)
{
    public int CountOf(string pass) => Counts.GetValueOrDefault(pass);

    /// <summary>"folded: 40 constants, 12 shapes; fused: 8 gemm+bias+gelu, 2 attention" (passes that fired only), or "optimizer off".</summary>
    public string Summary
    {
        get
        {
            if (Counts.Count == 0)
                return "optimizer off";
            string Part(string pass, string label) => string.Create(CultureInfo.InvariantCulture, $"{CountOf(pass)} {label}");
            var folded = new List<string>();
            if (CountOf(PassNames.ConstantFolding) > 0)
                folded.Add(Part(PassNames.ConstantFolding, "constants"));
            if (CountOf(PassNames.ShapeFolding) > 0)
                folded.Add(Part(PassNames.ShapeFolding, "shapes"));
            if (CountOf(PassNames.DeadNodes) > 0)
                folded.Add(Part(PassNames.DeadNodes, "dead nodes removed"));
            var fused = PassNames.Fusions.Where(p => CountOf(p) > 0).Select(p => Part(p, p)).ToList();
            var parts = new List<string>();
            if (folded.Count > 0)
                parts.Add("folded: " + string.Join(", ", folded));
            parts.Add(fused.Count > 0 ? "fused: " + string.Join(", ", fused) : "fused: none");
            return string.Join("; ", parts);
        }
    }
}
