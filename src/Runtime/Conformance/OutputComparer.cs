using System.Globalization;

namespace MlNetGraviton.Runtime.Conformance;

/// <summary>Compares an engine output with ONNX's expected tensor: element type, shape, then values; says where they first differ.</summary>
public static class OutputComparer
{
    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/>, else the first difference, in words.</summary>
    public static string? FirstMismatch(string name, Tensor expected, Tensor actual, ConformanceTolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.ElementType != actual.ElementType)
            return $"output '{name}': element type {actual.ElementType.DisplayName()}, expected {expected.ElementType.DisplayName()}";
        if (!expected.Shape.AsSpan().SequenceEqual(actual.Shape))
            return $"output '{name}': shape {Tensor.FormatShape(actual.Shape)}, expected {Tensor.FormatShape(expected.Shape)}";
        int n = expected.ElementCount;
        for (int i = 0; i < n; i++)
        {
            bool same = expected.ElementType switch
            {
                TensorElementType.Float32 => tolerance.Accepts(actual.AsSpan<float>()[i], expected.AsSpan<float>()[i]),
                TensorElementType.Float16 => tolerance.Accepts((double)actual.AsSpan<Half>()[i], (double)expected.AsSpan<Half>()[i]),
                _ => Equals(ValueAt(expected, i), ValueAt(actual, i)),
            };
            if (!same)
                return string.Create(CultureInfo.InvariantCulture,
                    $"output '{name}' {Tensor.FormatShape(expected.Shape)}: element {i} is {ValueAt(actual, i)}, expected {ValueAt(expected, i)} (rtol {tolerance.Rtol}, atol {tolerance.Atol})");
        }
        return null;
    }

    private static object ValueAt(Tensor t, int i) => t.ElementType switch
    {
        TensorElementType.Float32 => t.AsSpan<float>()[i],
        TensorElementType.Float16 => (float)t.AsSpan<Half>()[i],
        TensorElementType.Int64 => t.AsSpan<long>()[i],
        TensorElementType.Int32 => t.AsSpan<int>()[i],
        TensorElementType.Int8 => t.AsSpan<sbyte>()[i],
        TensorElementType.UInt8 => t.AsSpan<byte>()[i],
        TensorElementType.Bool => t.AsSpan<bool>()[i],
        _ => throw new ArgumentOutOfRangeException(nameof(t), t.ElementType, "unknown element type"),
    };
}
