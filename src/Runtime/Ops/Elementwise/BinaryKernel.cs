using System.Numerics;

namespace MlNetGraviton.Runtime.Ops.Elementwise;

internal enum BinaryKind
{
    Add, Sub, Mul, Div, Pow, Max, Min, Equal, Less, Greater, LessOrEqual, GreaterOrEqual, And, Or, Xor,
}

/// <summary>Element-wise binary ops with NumPy broadcasting (Add, Sub, Mul, Div, Pow, comparisons, logic, two-input Max/Min).</summary>
internal sealed class BinaryKernel(BinaryKind kind) : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0), b = context.Input(1);
        long[] shape = BroadcastLoop.Shape(a.Shape, b.Shape);
        Tensor output = context.Output(0, ResultType(kind, a, b), shape);
        Compute(kind, a, b, output);
    }

    public static TensorElementType ResultType(BinaryKind kind, Tensor a, Tensor b)
    {
        if (kind != BinaryKind.Pow && a.ElementType != b.ElementType)
            throw new ArgumentException($"{kind} needs inputs of one element type; got {a} and {b}", "inputs");
        return kind is BinaryKind.Equal or BinaryKind.Less or BinaryKind.Greater or BinaryKind.LessOrEqual or BinaryKind.GreaterOrEqual
            ? TensorElementType.Bool
            : a.ElementType;
    }

    /// <summary>Writes kind(a, b) broadcast into <paramref name="output"/> (already of the broadcast shape).</summary>
    public static void Compute(BinaryKind kind, Tensor a, Tensor b, Tensor output)
    {
        var loop = BroadcastLoop.Create(output.ShapeSpan(), a.Shape, b.Shape);
        TensorElementType t = a.ElementType;
        bool done = kind == BinaryKind.Pow
            ? TryPow(a, b, output, loop)
            : t switch
            {
                TensorElementType.Float32 => TryNumber<float>(kind, a, b, output, loop),
                TensorElementType.Float16 => TryNumber<Half>(kind, a, b, output, loop),
                TensorElementType.Int64 => TryNumber<long>(kind, a, b, output, loop),
                TensorElementType.Int32 => TryNumber<int>(kind, a, b, output, loop),
                TensorElementType.Int8 => TryNumber<sbyte>(kind, a, b, output, loop),
                TensorElementType.UInt8 => TryNumber<byte>(kind, a, b, output, loop),
                TensorElementType.Bool => TryBool(kind, a, b, output, loop),
                _ => false,
            };
        if (!done)
            throw new ArgumentException($"{kind} does not support {t.DisplayName()} inputs ({a}, {b})", "inputs");
    }

    /// <summary>
    /// Arithmetic and comparisons for every number type a tensor holds; integer results wrap on overflow and integer
    /// division truncates toward zero, as in C++ (what ONNX Runtime and ONNX's reference do for these types).
    /// </summary>
    private static bool TryNumber<T>(BinaryKind kind, Tensor a, Tensor b, Tensor output, BroadcastLoop loop)
        where T : unmanaged, INumber<T>
    {
        switch (kind)
        {
            case BinaryKind.Add: BinaryDriver.Run<T, T, AddOp<T>>(a, b, output, loop); return true;
            case BinaryKind.Sub: BinaryDriver.Run<T, T, SubOp<T>>(a, b, output, loop); return true;
            case BinaryKind.Mul: BinaryDriver.Run<T, T, MulOp<T>>(a, b, output, loop); return true;
            case BinaryKind.Div: BinaryDriver.Run<T, T, DivOp<T>>(a, b, output, loop); return true;
            case BinaryKind.Max: BinaryDriver.Run<T, T, MaxOp<T>>(a, b, output, loop); return true;
            case BinaryKind.Min: BinaryDriver.Run<T, T, MinOp<T>>(a, b, output, loop); return true;
            case BinaryKind.Equal: BinaryDriver.Run<T, bool, EqualNumberOp<T>>(a, b, output, loop); return true;
            case BinaryKind.Less: BinaryDriver.Run<T, bool, LessOp<T>>(a, b, output, loop); return true;
            case BinaryKind.Greater: BinaryDriver.Run<T, bool, GreaterOp<T>>(a, b, output, loop); return true;
            case BinaryKind.LessOrEqual: BinaryDriver.Run<T, bool, LessOrEqualOp<T>>(a, b, output, loop); return true;
            case BinaryKind.GreaterOrEqual: BinaryDriver.Run<T, bool, GreaterOrEqualOp<T>>(a, b, output, loop); return true;
            default: return false;
        }
    }

    private static bool TryBool(BinaryKind kind, Tensor a, Tensor b, Tensor output, BroadcastLoop loop)
    {
        switch (kind)
        {
            case BinaryKind.Equal: BinaryDriver.Run<bool, bool, EqualOp<bool>>(a, b, output, loop); return true;
            case BinaryKind.And: BinaryDriver.Run<bool, bool, AndOp>(a, b, output, loop); return true;
            case BinaryKind.Or: BinaryDriver.Run<bool, bool, OrOp>(a, b, output, loop); return true;
            case BinaryKind.Xor: BinaryDriver.Run<bool, bool, XorOp>(a, b, output, loop); return true;
            default: return false;
        }
    }

    /// <summary>
    /// Pow's output has the base's type. A float32 base takes the exponent as float; an integer base is raised in
    /// double and truncated back, as ONNX Runtime does (static_cast&lt;T&gt;(std::pow(x, y))).
    /// </summary>
    private static bool TryPow(Tensor a, Tensor b, Tensor output, BroadcastLoop loop)
    {
        switch (a.ElementType)
        {
            case TensorElementType.Float32:
                BinaryDriver.Run<float, float, PowOp>(a, AsFloat(b), output, loop);
                return true;
            case TensorElementType.Int64:
                IntegerPow<long>(a, b, output, loop);
                return true;
            case TensorElementType.Int32:
                IntegerPow<int>(a, b, output, loop);
                return true;
            default:
                return false;
        }
    }

    private static void IntegerPow<T>(Tensor a, Tensor b, Tensor output, BroadcastLoop loop) where T : unmanaged, IBinaryInteger<T>
    {
        ReadOnlySpan<T> x = a.AsSpan<T>();
        double[] y = b.ElementType switch
        {
            TensorElementType.Float32 => Array.ConvertAll(b.AsSpan<float>().ToArray(), v => (double)v),
            TensorElementType.Int64 => Array.ConvertAll(b.AsSpan<long>().ToArray(), v => (double)v),
            TensorElementType.Int32 => Array.ConvertAll(b.AsSpan<int>().ToArray(), v => (double)v),
            _ => throw new ArgumentException($"Pow does not support a {b.ElementType.DisplayName()} exponent", "inputs"),
        };
        Span<T> d = output.AsSpan<T>();
        int inner = loop.Inner, sx = loop.InnerStrides[0], sy = loop.InnerStrides[1];
        for (int row = 0; row < loop.Rows; row++)
        {
            int xo = loop.Offset(0, row), yo = loop.Offset(1, row);
            for (int i = 0; i < inner; i++)
                d[row * inner + i] = T.CreateTruncating(Math.Pow(double.CreateTruncating(x[xo + i * sx]), y[yo + i * sy]));
        }
    }

    /// <summary>Pow's exponent may be an integer tensor; it is applied as float.</summary>
    private static Tensor AsFloat(Tensor t) => t.ElementType switch
    {
        TensorElementType.Float32 => t,
        TensorElementType.Int64 => Tensor.Create(Array.ConvertAll((long[])t.Data, v => (float)v), t.Shape),
        TensorElementType.Int32 => Tensor.Create(Array.ConvertAll((int[])t.Data, v => (float)v), t.Shape),
        _ => throw new ArgumentException($"Pow does not support a {t.ElementType.DisplayName()} exponent", "inputs"),
    };
}
