using System.Numerics;

namespace MlNetGraviton.Runtime.Ops.Elementwise;

/// <summary>
/// Clip to [min, max]: bounds from the optional inputs (opset 11+, of the input's own type; a missing bound is the
/// type's lowest / highest value) or the float attributes (before 11, when Clip took float types only). NaN stays NaN.
/// </summary>
internal sealed class ClipKernel(float? attributeMin, float? attributeMax, bool boundsFromInputs) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => c.Opset >= 11
        ? new ClipKernel(null, null, true)
        : new ClipKernel(c.Attributes.GetFloat("min", float.MinValue), c.Attributes.GetFloat("max", float.MaxValue), false);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        Tensor y = context.Output(0, x.ElementType, x.ShapeSpan());
        if (!boundsFromInputs)
        {
            if (x.ElementType != TensorElementType.Float32)
                throw new ArgumentException($"Clip before opset 11 takes float tensors; got {x}", "input");
            Clamp(x.AsSpan<float>(), y.AsSpan<float>(), attributeMin!.Value, attributeMax!.Value);
            return;
        }
        switch (x.ElementType)
        {
            case TensorElementType.Float32: Clamp<float>(x, y, context); return;
            case TensorElementType.Float16: Clamp<Half>(x, y, context); return;
            case TensorElementType.Int64: Clamp<long>(x, y, context); return;
            case TensorElementType.Int32: Clamp<int>(x, y, context); return;
            case TensorElementType.Int8: Clamp<sbyte>(x, y, context); return;
            case TensorElementType.UInt8: Clamp<byte>(x, y, context); return;
            default: throw new ArgumentException($"Clip does not support {x}", "input");
        }
    }

    private static void Clamp<T>(Tensor x, Tensor y, OpContext context) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        T lo = context.OptionalInput(1) is { } a ? Bound<T>(a, x, "min") : T.MinValue;
        T hi = context.OptionalInput(2) is { } b ? Bound<T>(b, x, "max") : T.MaxValue;
        Clamp(x.AsSpan<T>(), y.AsSpan<T>(), lo, hi);
    }

    private static void Clamp<T>(ReadOnlySpan<T> s, Span<T> d, T lo, T hi) where T : INumber<T>
    {
        // min(max(x, lo), hi): when lo > hi every element becomes hi, as ONNX specifies.
        for (int i = 0; i < s.Length; i++)
        {
            T v = s[i];
            d[i] = T.IsNaN(v) ? v : v < lo ? (lo > hi ? hi : lo) : v > hi ? hi : v;
        }
    }

    private static T Bound<T>(Tensor bound, Tensor x, string what) where T : unmanaged
    {
        if (bound.ElementType != x.ElementType)
            throw new ArgumentException($"Clip's {what} must have the input's element type {x.ElementType.DisplayName()}; got {bound}", what);
        if (bound.ElementCount != 1)
            throw new ArgumentException($"Clip's {what} must hold one value, got {bound}", what);
        return bound.AsSpan<T>()[0];
    }
}
