using System.Numerics;
using MlNetGraviton.Runtime.Graph;

namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Cast between float32, float16, int64, int32, int8, uint8 and bool (float to integer truncates toward zero).</summary>
internal sealed class CastKernel(TensorElementType to) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        if (!c.Attributes.Has("to"))
            throw c.Unsupported("needs the 'to' attribute");
        int onnxType = (int)c.Attributes.GetInt("to", 0);
        try
        {
            return new CastKernel(OnnxTensorReader.ElementTypeOf(onnxType, () => "to"));
        }
        catch (UnsupportedElementTypeException)
        {
            throw c.Unsupported($"to {OnnxTensorReader.DataTypeName(onnxType)} is not supported (float32, float16, int64, int32, int8, uint8, bool)");
        }
    }

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        if (x.ElementType == to)
        {
            context.SetOutput(0, x);
            return;
        }
        Tensor y = context.Output(0, to, x.ShapeSpan());
        switch (x.ElementType)
        {
            case TensorElementType.Float32: From<float>(x, y); break;
            case TensorElementType.Float16: From<Half>(x, y); break;
            case TensorElementType.Int64: From<long>(x, y); break;
            case TensorElementType.Int32: From<int>(x, y); break;
            case TensorElementType.Int8: From<sbyte>(x, y); break;
            case TensorElementType.UInt8: From<byte>(x, y); break;
            case TensorElementType.Bool:
                ReadOnlySpan<bool> b = x.AsSpan<bool>();
                var ones = new byte[b.Length];
                for (int i = 0; i < b.Length; i++)
                    ones[i] = b[i] ? (byte)1 : (byte)0;
                From<byte>(Tensor.Create(ones, x.Shape), y);
                break;
        }
    }

    private static void From<TFrom>(Tensor x, Tensor y) where TFrom : unmanaged, INumberBase<TFrom>
    {
        ReadOnlySpan<TFrom> s = x.AsSpan<TFrom>();
        switch (y.ElementType)
        {
            case TensorElementType.Float32: To(s, y.AsSpan<float>()); break;
            case TensorElementType.Float16: To(s, y.AsSpan<Half>()); break;
            case TensorElementType.Int64: To(s, y.AsSpan<long>()); break;
            case TensorElementType.Int32: To(s, y.AsSpan<int>()); break;
            case TensorElementType.Int8: To(s, y.AsSpan<sbyte>()); break;
            case TensorElementType.UInt8: To(s, y.AsSpan<byte>()); break;
            case TensorElementType.Bool:
                Span<bool> d = y.AsSpan<bool>();
                for (int i = 0; i < s.Length; i++)
                    d[i] = !TFrom.IsZero(s[i]);
                break;
        }
    }

    private static void To<TFrom, TTo>(ReadOnlySpan<TFrom> s, Span<TTo> d)
        where TFrom : INumberBase<TFrom>
        where TTo : INumberBase<TTo>
    {
        for (int i = 0; i < s.Length; i++)
            d[i] = TTo.CreateTruncating(s[i]);
    }
}
