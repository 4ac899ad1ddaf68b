namespace MlNetGraviton.Runtime.Ops.Elementwise;

internal enum ActivationKind { LeakyRelu, Elu, Selu, HardSigmoid, ThresholdedRelu }

/// <summary>
/// The float32 activations with alpha (and beta / gamma) attributes, each with ONNX's defaults:
/// LeakyRelu (alpha 0.01), Elu (alpha 1), Selu (alpha ≈ 1.6733, gamma ≈ 1.0507), HardSigmoid (alpha 0.2, beta 0.5),
/// ThresholdedRelu (alpha 1).
/// </summary>
internal sealed class ActivationKernel(ActivationKind kind, float alpha, float beta) : OpKernel
{
    public static OpKernel Create(OpLoadContext c, ActivationKind kind)
    {
        float F(string name, float fallback) => c.Attributes.GetFloat(name, fallback);
        return kind switch
        {
            ActivationKind.LeakyRelu => new ActivationKernel(kind, F("alpha", 0.01f), 0f),
            ActivationKind.Elu => new ActivationKernel(kind, F("alpha", 1f), 0f),
            ActivationKind.Selu => new ActivationKernel(kind, F("alpha", 1.67326319217681884765625f), F("gamma", 1.05070102214813232421875f)),
            ActivationKind.HardSigmoid => new ActivationKernel(kind, F("alpha", 0.2f), F("beta", 0.5f)),
            _ => new ActivationKernel(kind, F("alpha", 1f), 0f),
        };
    }

    public override void Run(OpContext context)
    {
        Tensor input = context.Input(0);
        if (input.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"{kind} supports float32 inputs only; got {input}", "inputs");
        Tensor output = context.Output(0, input.ElementType, input.ShapeSpan());
        ReadOnlySpan<float> x = input.AsSpan<float>();
        Span<float> y = output.AsSpan<float>();
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = kind switch
            {
                ActivationKind.LeakyRelu => v < 0 ? alpha * v : v,
                ActivationKind.Elu => v < 0 ? alpha * (MathF.Exp(v) - 1f) : v,
                ActivationKind.Selu => v <= 0 ? beta * (alpha * MathF.Exp(v) - alpha) : beta * v,
                ActivationKind.HardSigmoid => Math.Clamp(alpha * v + beta, 0f, 1f),
                _ => v > alpha ? v : 0f,
            };
        }
    }
}
