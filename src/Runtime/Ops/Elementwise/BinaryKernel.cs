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
        switch (kind)
        {
            case BinaryKind.Add when t == TensorElementType.Float32: BinaryDriver.Run<float, float, AddOp<float>>(a, b, output, loop); return;
            case BinaryKind.Add when t == TensorElementType.Int64: BinaryDriver.Run<long, long, AddOp<long>>(a, b, output, loop); return;
            case BinaryKind.Add when t == TensorElementType.Int32: BinaryDriver.Run<int, int, AddOp<int>>(a, b, output, loop); return;
            case BinaryKind.Sub when t == TensorElementType.Float32: BinaryDriver.Run<float, float, SubOp<float>>(a, b, output, loop); return;
            case BinaryKind.Sub when t == TensorElementType.Int64: BinaryDriver.Run<long, long, SubOp<long>>(a, b, output, loop); return;
            case BinaryKind.Sub when t == TensorElementType.Int32: BinaryDriver.Run<int, int, SubOp<int>>(a, b, output, loop); return;
            case BinaryKind.Mul when t == TensorElementType.Float32: BinaryDriver.Run<float, float, MulOp<float>>(a, b, output, loop); return;
            case BinaryKind.Mul when t == TensorElementType.Int64: BinaryDriver.Run<long, long, MulOp<long>>(a, b, output, loop); return;
            case BinaryKind.Mul when t == TensorElementType.Int32: BinaryDriver.Run<int, int, MulOp<int>>(a, b, output, loop); return;
            case BinaryKind.Div when t == TensorElementType.Float32: BinaryDriver.Run<float, float, DivOp<float>>(a, b, output, loop); return;
            case BinaryKind.Div when t == TensorElementType.Int64: BinaryDriver.Run<long, long, DivOp<long>>(a, b, output, loop); return;
            case BinaryKind.Div when t == TensorElementType.Int32: BinaryDriver.Run<int, int, DivOp<int>>(a, b, output, loop); return;
            case BinaryKind.Pow when t == TensorElementType.Float32: BinaryDriver.Run<float, float, PowOp>(a, AsFloat(b), output, loop); return;
            case BinaryKind.Max when t == TensorElementType.Float32: BinaryDriver.Run<float, float, MaxOp<float>>(a, b, output, loop); return;
            case BinaryKind.Max when t == TensorElementType.Int64: BinaryDriver.Run<long, long, MaxOp<long>>(a, b, output, loop); return;
            case BinaryKind.Max when t == TensorElementType.Int32: BinaryDriver.Run<int, int, MaxOp<int>>(a, b, output, loop); return;
            case BinaryKind.Min when t == TensorElementType.Float32: BinaryDriver.Run<float, float, MinOp<float>>(a, b, output, loop); return;
            case BinaryKind.Min when t == TensorElementType.Int64: BinaryDriver.Run<long, long, MinOp<long>>(a, b, output, loop); return;
            case BinaryKind.Min when t == TensorElementType.Int32: BinaryDriver.Run<int, int, MinOp<int>>(a, b, output, loop); return;
            case BinaryKind.Equal when t == TensorElementType.Float32: BinaryDriver.Run<float, bool, EqualFloatOp>(a, b, output, loop); return;
            case BinaryKind.Equal when t == TensorElementType.Int64: BinaryDriver.Run<long, bool, EqualOp<long>>(a, b, output, loop); return;
            case BinaryKind.Equal when t == TensorElementType.Int32: BinaryDriver.Run<int, bool, EqualOp<int>>(a, b, output, loop); return;
            case BinaryKind.Equal when t == TensorElementType.Bool: BinaryDriver.Run<bool, bool, EqualOp<bool>>(a, b, output, loop); return;
            case BinaryKind.Less when t == TensorElementType.Float32: BinaryDriver.Run<float, bool, LessOp<float>>(a, b, output, loop); return;
            case BinaryKind.Less when t == TensorElementType.Int64: BinaryDriver.Run<long, bool, LessOp<long>>(a, b, output, loop); return;
            case BinaryKind.Less when t == TensorElementType.Int32: BinaryDriver.Run<int, bool, LessOp<int>>(a, b, output, loop); return;
            case BinaryKind.Greater when t == TensorElementType.Float32: BinaryDriver.Run<float, bool, GreaterOp<float>>(a, b, output, loop); return;
            case BinaryKind.Greater when t == TensorElementType.Int64: BinaryDriver.Run<long, bool, GreaterOp<long>>(a, b, output, loop); return;
            case BinaryKind.Greater when t == TensorElementType.Int32: BinaryDriver.Run<int, bool, GreaterOp<int>>(a, b, output, loop); return;
            case BinaryKind.LessOrEqual when t == TensorElementType.Float32: BinaryDriver.Run<float, bool, LessOrEqualOp<float>>(a, b, output, loop); return;
            case BinaryKind.LessOrEqual when t == TensorElementType.Int64: BinaryDriver.Run<long, bool, LessOrEqualOp<long>>(a, b, output, loop); return;
            case BinaryKind.GreaterOrEqual when t == TensorElementType.Float32: BinaryDriver.Run<float, bool, GreaterOrEqualOp<float>>(a, b, output, loop); return;
            case BinaryKind.GreaterOrEqual when t == TensorElementType.Int64: BinaryDriver.Run<long, bool, GreaterOrEqualOp<long>>(a, b, output, loop); return;
            case BinaryKind.And when t == TensorElementType.Bool: BinaryDriver.Run<bool, bool, AndOp>(a, b, output, loop); return;
            case BinaryKind.Or when t == TensorElementType.Bool: BinaryDriver.Run<bool, bool, OrOp>(a, b, output, loop); return;
            case BinaryKind.Xor when t == TensorElementType.Bool: BinaryDriver.Run<bool, bool, XorOp>(a, b, output, loop); return;
            default:
                throw new ArgumentException($"{kind} does not support {t.DisplayName()} inputs ({a}, {b})", "inputs");
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
