using System.Numerics.Tensors;

namespace MlNetGraviton.Runtime.Ops.Elementwise;

internal enum UnaryKind
{
    Sqrt, Erf, Tanh, Neg, Sigmoid, Relu, Exp, Log, Abs, Reciprocal, Floor, Ceil, Not,
    Round, Sign, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, Softsign, Softplus,
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
            case UnaryKind.Round: TensorPrimitives.Round(x, MidpointRounding.ToEven, y); break; // ONNX rounds halves to even
            case UnaryKind.Sin: TensorPrimitives.Sin(x, y); break;
            case UnaryKind.Cos: TensorPrimitives.Cos(x, y); break;
            case UnaryKind.Tan: TensorPrimitives.Tan(x, y); break;
            case UnaryKind.Asin: TensorPrimitives.Asin(x, y); break;
            case UnaryKind.Acos: TensorPrimitives.Acos(x, y); break;
            case UnaryKind.Atan: TensorPrimitives.Atan(x, y); break;
            case UnaryKind.Sinh: TensorPrimitives.Sinh(x, y); break;
            case UnaryKind.Cosh: TensorPrimitives.Cosh(x, y); break;
            case UnaryKind.Asinh: TensorPrimitives.Asinh(x, y); break;
            case UnaryKind.Acosh: TensorPrimitives.Acosh(x, y); break;
            case UnaryKind.Atanh: TensorPrimitives.Atanh(x, y); break;
            case UnaryKind.Sign:
                // -1, 0 or 1; NaN stays NaN (MathF.Sign would throw on it).
                for (int i = 0; i < x.Length; i++)
                    y[i] = x[i] > 0 ? 1f : x[i] < 0 ? -1f : x[i];
                break;
            case UnaryKind.Softsign:
                for (int i = 0; i < x.Length; i++)
                    y[i] = x[i] / (1f + MathF.Abs(x[i]));
                break;
            case UnaryKind.Softplus:
                // log(1 + e^x) without overflowing e^x for large x.
                for (int i = 0; i < x.Length; i++)
                    y[i] = x[i] > 0 ? x[i] + MathF.Log(1f + MathF.Exp(-x[i])) : MathF.Log(1f + MathF.Exp(x[i]));
                break;
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
