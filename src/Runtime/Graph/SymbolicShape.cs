using System.Globalization;

namespace MlNetGraviton.Runtime.Graph;

/// <summary>One dimension at load time: a fixed size, a named symbol (batch_size, sequence_length), or unknown.</summary>
internal readonly record struct SymbolicDim(long Value, string? Symbol)
{
    public static SymbolicDim Fixed(long value) => new(value, null);

    public static SymbolicDim Named(string? symbol) => new(-1, symbol);

    public static readonly SymbolicDim Unknown = new(-1, null);

    public bool IsFixed => Value >= 0;

    public override string ToString() => IsFixed ? Value.ToString(CultureInfo.InvariantCulture) : Symbol ?? "?";
}

/// <summary>A value's shape as far as load-time inference can tell (rank known, dimensions fixed or symbolic).</summary>
internal sealed record SymbolicShape(SymbolicDim[] Dims)
{
    public int Rank => Dims.Length;

    public static SymbolicShape Of(TensorInfo info) =>
        new(info.Dims.Select((d, i) => d >= 0 ? SymbolicDim.Fixed(d) : SymbolicDim.Named(info.SymbolicDims[i])).ToArray());

    public static SymbolicShape Of(ReadOnlySpan<long> shape) => new(shape.ToArray().Select(SymbolicDim.Fixed).ToArray());

    public override string ToString() => "[" + string.Join(", ", Dims.Select(d => d.ToString())) + "]";
}
