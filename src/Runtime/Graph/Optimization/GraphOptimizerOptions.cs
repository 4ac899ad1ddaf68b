namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>Which passes run at load. The default runs all of them; tests turn single passes (or everything) off.</summary>
internal sealed record GraphOptimizerOptions
{
    public static GraphOptimizerOptions Default { get; } = new();

    /// <summary>No pass at all: the session runs the graph as loaded.</summary>
    public static GraphOptimizerOptions None { get; } = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    /// <summary>Pass names (<see cref="IGraphPass.Name"/>) not to run.</summary>
    public IReadOnlySet<string> Disabled { get; init; } = new HashSet<string>();

    /// <summary>Largest result (bytes, per output) constant folding keeps; larger results stay computed at run time.</summary>
    public long FoldLimitBytes { get; init; } = 256L << 20;

    public GraphOptimizerOptions Without(params string[] passes) =>
        this with { Disabled = Disabled.Concat(passes).ToHashSet(StringComparer.Ordinal) };
}
