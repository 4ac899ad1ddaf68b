namespace MlNetGraviton.Runtime.Ops.Elementwise;

/// <summary>Clip to [min, max]: bounds from the optional inputs (opset 11+) or the attributes (before 11).</summary>
internal sealed class ClipKernel(float? attributeMin, float? attributeMax, bool boundsFromInputs) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => c.Opset >= 11
        ? new ClipKernel(null, null, true)
        : new ClipKernel(c.Attributes.GetFloat("min", float.MinValue), c.Attributes.GetFloat("max", float.MaxValue), false);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        Tensor y = context.Output(0, x.ElementType, x.ShapeSpan());
        switch (x.ElementType)
        {
            case TensorElementType.Float32:
            {
                float lo = boundsFromInputs ? (context.OptionalInput(1) is { } a ? (float)OpArgs.Number(a, "min") : float.NegativeInfinity) : attributeMin!.Value;
                float hi = boundsFromInputs ? (context.OptionalInput(2) is { } b ? (float)OpArgs.Number(b, "max") : float.PositiveInfinity) : attributeMax!.Value;
                ReadOnlySpan<float> s = x.AsSpan<float>();
                Span<float> d = y.AsSpan<float>();
                for (int i = 0; i < s.Length; i++)
                    d[i] = float.IsNaN(s[i]) ? s[i] : Math.Min(Math.Max(s[i], lo), hi);
                return;
            }
            case TensorElementType.Int64:
            {
                long lo = context.OptionalInput(1) is { } a ? OpArgs.Scalar(a, "min") : long.MinValue;
                long hi = context.OptionalInput(2) is { } b ? OpArgs.Scalar(b, "max") : long.MaxValue;
                ReadOnlySpan<long> s = x.AsSpan<long>();
                Span<long> d = y.AsSpan<long>();
                for (int i = 0; i < s.Length; i++)
                    d[i] = Math.Min(Math.Max(s[i], lo), hi);
                return;
            }
            default:
                throw new ArgumentException($"Clip does not support {x}", "input");
        }
    }
}
