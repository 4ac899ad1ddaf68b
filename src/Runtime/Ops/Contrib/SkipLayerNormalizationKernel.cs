using System.Numerics.Tensors;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// SkipLayerNormalization (input, skip, gamma, beta?, bias?) and SkipSimplifiedLayerNormalization (input, skip, gamma,
/// bias?) (com.microsoft): s = input + skip (+ bias), then LayerNorm(s)·gamma (+ beta), or RMSNorm s/√(mean(s²) + ε)·gamma
/// for the simplified form. Skip is [B, S, H], or
/// broadcast over the batch as [1, S, H] / [S, H]. Output 3 (input_skip_bias_sum) is written when wired. Outputs 1 and 2
/// (mean, inv_std_var) are training outputs ORT's CPU kernel never fills; they are refused at load.
/// </summary>
internal sealed class SkipLayerNormalizationKernel(string opType, float epsilon, bool simplified) : OpKernel
{
    public static OpKernel Create(OpLoadContext c, bool simplified)
    {
        c.RequireInputs(3);
        for (int output = 1; output <= 2; output++)
            if (c.Node.HasOutput(output))
                throw c.Unsupported($"output {output} ({(output == 1 ? "mean" : "inv_std_var")}) is a training output and is not supported");
        float epsilon = c.Attributes.GetFloat("epsilon", 1e-12f);
        if (!(epsilon >= 0))
            throw c.Unsupported($"epsilon {epsilon} must be non-negative");
        return new SkipLayerNormalizationKernel(c.Node.OpType, epsilon, simplified);
    }

    public override void Run(OpContext context)
    {
        Tensor input = context.Input(0), skip = context.Input(1), gamma = context.Input(2);
        // The simplified form's schema has no beta: its input 3 is the bias.
        Tensor? beta = simplified ? null : context.OptionalInput(3), bias = context.OptionalInput(simplified ? 3 : 4);
        if (input.ElementType != TensorElementType.Float32 || input.Rank < 2)
            throw new ArgumentException($"{opType} needs a float32 input of rank 2 or 3, got {input}", "input");
        int hidden = checked((int)input.Dimension(input.Rank - 1));
        RequireVector(gamma, hidden, "gamma", input);
        if (beta is not null)
            RequireVector(beta, hidden, "beta", input);
        if (bias is not null)
            RequireVector(bias, hidden, "bias", input);
        if (skip.ElementType != TensorElementType.Float32 || !SkipBroadcasts(skip.ShapeSpan(), input.ShapeSpan()))
            throw new ArgumentException(
                $"{opType}: skip {skip} must be float32 with input's shape {Tensor.FormatShape(input.ShapeSpan())} or broadcast over the batch ([1, S, H] or [S, H])", "skip");

        Tensor output = context.Output(0, TensorElementType.Float32, input.ShapeSpan());
        Tensor? sum = context.WantsOutput(3) ? context.Output(3, TensorElementType.Float32, input.ShapeSpan()) : null;
        if (input.ElementCount == 0)
            return;
        var task = new Rows
        {
            Input = (float[])input.Data,
            Skip = (float[])skip.Data,
            Gamma = (float[])gamma.Data,
            Beta = beta is null ? null : (float[])beta.Data,
            Bias = bias is null ? null : (float[])bias.Data,
            Output = (float[])output.Data,
            Sum = sum is null ? null : (float[])sum.Data,
            Hidden = hidden,
            Epsilon = epsilon,
            Simplified = simplified,
        };
        ParallelRows.For(ref task, input.ElementCount / hidden, 3L * hidden, context.Threads);
    }

    private void RequireVector(Tensor t, int hidden, string name, Tensor input)
    {
        if (t.ElementType != TensorElementType.Float32 || t.Rank != 1 || t.ElementCount != hidden)
            throw new ArgumentException($"{opType}: {name} must be float32 [{hidden}] (the hidden size of input {input}), got {t}", name);
    }

    private static bool SkipBroadcasts(ReadOnlySpan<long> skip, ReadOnlySpan<long> input)
    {
        if (skip.SequenceEqual(input))
            return true;
        // ORT reads skip at (offset mod skip size): valid when skip is the trailing [S, H] of a 3-D input.
        if (input.Length != 3)
            return false;
        return (skip.Length == 2 && skip[0] == input[1] && skip[1] == input[2])
            || (skip.Length == 3 && skip[0] == 1 && skip[1] == input[1] && skip[2] == input[2]);
    }

    private struct Rows : IRowRangeTask
    {
        public float[] Input, Skip, Gamma, Output;
        public float[]? Beta, Bias, Sum;
        public int Hidden;
        public float Epsilon;
        public bool Simplified;

        public readonly void Run(int start, int end)
        {
            int n = Hidden;
            for (int r = start; r < end; r++)
            {
                int offset = r * n;
                Span<float> y = Output.AsSpan(offset, n);
                TensorPrimitives.Add(Input.AsSpan(offset, n), Skip.AsSpan(offset % Skip.Length, n), y);
                if (Bias is not null)
                    TensorPrimitives.Add(y, Bias, y);
                if (Sum is not null)
                    y.CopyTo(Sum.AsSpan(offset, n));
                if (Simplified)
                {
                    float rms = MathF.Sqrt(TensorPrimitives.SumOfSquares(y) / n + Epsilon);
                    TensorPrimitives.Multiply(y, 1f / rms, y);
                    TensorPrimitives.Multiply(y, Gamma, y);
                    continue;
                }
                // Two passes (mean, then squared deviations) rather than E[x²] − mean²: no cancellation on large activations.
                float mean = TensorPrimitives.Sum(y) / n;
                TensorPrimitives.Subtract(y, mean, y);
                float invStd = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(y) / n + Epsilon);
                TensorPrimitives.Multiply(y, invStd, y);
                if (Beta is null)
                    TensorPrimitives.Multiply(y, Gamma, y);
                else
                    TensorPrimitives.MultiplyAdd(y, Gamma, Beta, y);
            }
        }
    }
}
