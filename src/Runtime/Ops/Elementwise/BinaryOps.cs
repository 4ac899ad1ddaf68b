using System.Numerics;
using System.Numerics.Tensors;

namespace MlNetGraviton.Runtime.Ops.Elementwise;

internal readonly struct AddOp<T> : IBinaryOp<T, T> where T : INumber<T>
{
    public static T Apply(T x, T y) => x + y;
    public static bool TryApply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { TensorPrimitives.Add(x, y, d); return true; }
    public static bool TryApply(ReadOnlySpan<T> x, T y, Span<T> d) { TensorPrimitives.Add(x, y, d); return true; }
    public static bool TryApply(T x, ReadOnlySpan<T> y, Span<T> d) { TensorPrimitives.Add(y, x, d); return true; }
}

internal readonly struct SubOp<T> : IBinaryOp<T, T> where T : INumber<T>
{
    public static T Apply(T x, T y) => x - y;
    public static bool TryApply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { TensorPrimitives.Subtract(x, y, d); return true; }
    public static bool TryApply(ReadOnlySpan<T> x, T y, Span<T> d) { TensorPrimitives.Subtract(x, y, d); return true; }
    public static bool TryApply(T x, ReadOnlySpan<T> y, Span<T> d) { TensorPrimitives.Subtract(x, y, d); return true; }
}

internal readonly struct MulOp<T> : IBinaryOp<T, T> where T : INumber<T>
{
    public static T Apply(T x, T y) => x * y;
    public static bool TryApply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { TensorPrimitives.Multiply(x, y, d); return true; }
    public static bool TryApply(ReadOnlySpan<T> x, T y, Span<T> d) { TensorPrimitives.Multiply(x, y, d); return true; }
    public static bool TryApply(T x, ReadOnlySpan<T> y, Span<T> d) { TensorPrimitives.Multiply(y, x, d); return true; }
}

/// <summary>Division; integer division truncates toward zero like C++ (what ONNX Runtime does).</summary>
internal readonly struct DivOp<T> : IBinaryOp<T, T> where T : INumber<T>
{
    public static T Apply(T x, T y) => x / y;
    public static bool TryApply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { TensorPrimitives.Divide(x, y, d); return true; }
    public static bool TryApply(ReadOnlySpan<T> x, T y, Span<T> d) { TensorPrimitives.Divide(x, y, d); return true; }
    public static bool TryApply(T x, ReadOnlySpan<T> y, Span<T> d) { TensorPrimitives.Divide(x, y, d); return true; }
}

internal readonly struct MaxOp<T> : IBinaryOp<T, T> where T : INumber<T>
{
    public static T Apply(T x, T y) => T.IsNaN(x) || T.IsNaN(y) ? x + y : x >= y ? x : y;
}

internal readonly struct MinOp<T> : IBinaryOp<T, T> where T : INumber<T>
{
    public static T Apply(T x, T y) => T.IsNaN(x) || T.IsNaN(y) ? x + y : x <= y ? x : y;
}

/// <summary>float power; the common constant exponents (2, 3, 0.5) take exact shortcuts like ONNX Runtime.</summary>
internal readonly struct PowOp : IBinaryOp<float, float>
{
    public static float Apply(float x, float y) => MathF.Pow(x, y);

    public static bool TryApply(ReadOnlySpan<float> x, float y, Span<float> d)
    {
        if (y == 2f)
            TensorPrimitives.Multiply(x, x, d);
        else if (y == 3f)
        {
            TensorPrimitives.Multiply(x, x, d);
            TensorPrimitives.Multiply(d, x, d);
        }
        else if (y == 0.5f)
            TensorPrimitives.Sqrt(x, d);
        else if (y == 1f)
            x.CopyTo(d);
        else
            return false;
        return true;
    }
}

internal readonly struct EqualOp<T> : IBinaryOp<T, bool> where T : IEquatable<T>
{
    public static bool Apply(T x, T y) => x.Equals(y);
}

/// <summary>Number equality compares values (-0 == 0, NaN != NaN), not bit patterns.</summary>
internal readonly struct EqualNumberOp<T> : IBinaryOp<T, bool> where T : INumber<T>
{
    public static bool Apply(T x, T y) => x == y;
}

internal readonly struct LessOp<T> : IBinaryOp<T, bool> where T : INumber<T>
{
    public static bool Apply(T x, T y) => x < y;
}

internal readonly struct GreaterOp<T> : IBinaryOp<T, bool> where T : INumber<T>
{
    public static bool Apply(T x, T y) => x > y;
}

internal readonly struct LessOrEqualOp<T> : IBinaryOp<T, bool> where T : INumber<T>
{
    public static bool Apply(T x, T y) => x <= y;
}

internal readonly struct GreaterOrEqualOp<T> : IBinaryOp<T, bool> where T : INumber<T>
{
    public static bool Apply(T x, T y) => x >= y;
}

internal readonly struct AndOp : IBinaryOp<bool, bool>
{
    public static bool Apply(bool x, bool y) => x & y;
}

internal readonly struct OrOp : IBinaryOp<bool, bool>
{
    public static bool Apply(bool x, bool y) => x | y;
}

internal readonly struct XorOp : IBinaryOp<bool, bool>
{
    public static bool Apply(bool x, bool y) => x ^ y;
}
