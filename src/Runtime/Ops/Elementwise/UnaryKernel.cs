using System.Numerics.Tensors;

namespace MlNetGraviton.Runtime.Ops.Elementwise;

internal enum UnaryKind
{
    Sqrt, Erf, Tanh, Neg, Sigmoid, Relu, Exp, Log, Abs, Reciprocal, Floor, Ceil, Not,
}

/// <summary>Element-wise unary ops; float ones are vectorised (TensorPrimitives, or <see cref="ErfMath"/>).</summary>
internal sealed class UnaryKernel(UnaryKind kind) : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        Tensor y = context.Output(0, x.ElementType, x.ShapeSpan());
        switch (x.ElementType)
        {
            case TensorElementType.Float32:
                Float(x.AsSpan<float>(), y.AsSpan<float>());
                return;
            case TensorElementType.Int64 when kind is UnaryKind.Neg or UnaryKind.Abs or UnaryKind.Relu:
                Integer<long>(x.AsSpan<long>(), y.AsSpan<long>());
                return;
            case TensorElementType.Int32 when kind is UnaryKind.Neg or UnaryKind.Abs or UnaryKind.Relu:
                Integer<int>(x.AsSpan<int>(), y.AsSpan<int>());
                return;
            case TensorElementType.Bool when kind == UnaryKind.Not:
                ReadOnlySpan<bool> b = x.AsSpan<bool>();
                Span<bool> d = y.AsSpan<bool>();
                for (int i = 0; i < b.Length; i++)
                    d[i] = !b[i];
                return;
            default:
                throw new ArgumentException($"{kind} does not support {x}", "inputs");
        }
    }

    private void Float(ReadOnlySpan<float> x, Span<float> y)
    {
        switch (kind)
        {
            case UnaryKind.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryKind.Erf: ErfMath.Erf(x, y); break;
            case UnaryKind.Tanh: TensorPrimitives.Tanh(x, y); break;
            case UnaryKind.Neg: TensorPrimitives.Negate(x, y); break;
            case UnaryKind.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case UnaryKind.Relu: TensorPrimitives.Max(x, 0f, y); break;
            case UnaryKind.Exp: TensorPrimitives.Exp(x, y); break;
            case UnaryKind.Log: TensorPrimitives.Log(x, y); break;
            case UnaryKind.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryKind.Reciprocal: TensorPrimitives.Reciprocal(x, y); break;
            case UnaryKind.Floor: TensorPrimitives.Floor(x, y); break;
            case UnaryKind.Ceil: TensorPrimitives.Ceiling(x, y); break;
            default: throw new ArgumentException($"{kind} does not support float32 inputs", "inputs");
        }
    }

    private void Integer<T>(ReadOnlySpan<T> x, Span<T> y) where T : System.Numerics.IBinaryInteger<T>, System.Numerics.ISignedNumber<T>
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = kind switch
            {
                UnaryKind.Neg => -x[i],
                UnaryKind.Abs => T.Abs(x[i]),
                _ => T.Max(x[i], T.Zero),
            };
    }
}
