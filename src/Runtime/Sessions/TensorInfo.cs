namespace MlNetGraviton.Runtime;

/// <summary>
/// A graph input or output: name, element type and dimensions. <paramref name="Dims"/> holds -1 where a dimension
/// is not fixed; <paramref name="SymbolicDims"/> holds its name there (e.g. batch_size) and null elsewhere.
/// </summary>
public sealed record TensorInfo(string Name, TensorElementType ElementType, long[] Dims, string?[] SymbolicDims)
{
    public int Rank => Dims.Length;

    /// <summary>The shape with symbolic names in place of -1, e.g. [batch_size, sequence_length]; '?' for an unnamed free dimension.</summary>
    public string FormatDims()
    {
        var parts = new string[Dims.Length];
        for (int i = 0; i < Dims.Length; i++)
            parts[i] = Dims[i] >= 0
                ? Dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                : string.IsNullOrEmpty(SymbolicDims[i]) ? "?" : SymbolicDims[i]!;
        return "[" + string.Join(", ", parts) + "]";
    }

    public override string ToString() => $"{Name}: {ElementType.DisplayName()} {FormatDims()}";
}
