using System.Buffers;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Threading;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Ops.Algebra;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// Attention (com.microsoft, opset 1), self-attention without a KV cache: QKV = input·weights + bias as one SGEMM on the
/// weights packed at load (bias in the epilogue), then <see cref="AttentionHeads"/> per (batch, head) over the kernel
/// thread pool. Supports mask_index [B], [2B], [B, T], [B, S, T], unidirectional (causal), qkv_hidden_sizes, scale and
/// mask_filter_value. past / present, attention_bias, past_sequence_length and rotary embeddings are refused at load.
/// </summary>
internal sealed class AttentionKernel(
    int heads, bool unidirectional, long[]? qkvSizes, float scale, float filter, SgemmPackedB? packedWeights, float[]? constantBias,
    bool useAvx512Gemm) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        long heads = c.Attributes.GetInt("num_heads", 0);
        if (heads <= 0)
            throw new OnnxModelException($"node '{c.Node.Name}' (Attention): num_heads must be a positive integer, got {heads}");
        if (c.HasInput(4))
            throw c.Unsupported("with past state (input 4 'past') is not supported: only graphs without a KV cache");
        if (c.HasInput(5))
            throw c.Unsupported("with attention_bias (input 5) is not supported");
        if (c.HasInput(6))
            throw c.Unsupported("with past_sequence_length (input 6) is not supported");
        if (c.Node.HasOutput(1))
            throw c.Unsupported("with the 'present' output (KV cache) is not supported");
        foreach (string attribute in new[] { "do_rotary", "past_present_share_buffer" })
            if (c.Attributes.GetInt(attribute, 0) != 0)
                throw c.Unsupported($"with {attribute} = 1 is not supported");
        long[]? sizes = c.Attributes.GetInts("qkv_hidden_sizes");
        if (sizes is not null && (sizes.Length != 3 || sizes[0] != sizes[1] || sizes.Any(v => v <= 0 || v % heads != 0)))
            throw new OnnxModelException(
                $"node '{c.Node.Name}' (Attention): qkv_hidden_sizes [{string.Join(", ", sizes)}] must be three positive multiples of num_heads = {heads} with Q = K");

        SgemmPackedB? packed = null;
        if (c.Constant(1) is { } w)
        {
            CheckWeights(w, sizes, (int)heads, c.Node.Name);
            packed = c.PackWeight(w.AsSpan<float>(), checked((int)w.Dimension(0)), checked((int)w.Dimension(1)), transB: false);
        }
        float[]? bias = c.Constant(2) is { ElementType: TensorElementType.Float32, Rank: 1 } b ? b.AsSpan<float>().ToArray() : null;
        return new AttentionKernel((int)heads, c.Attributes.GetInt("unidirectional", 0) != 0, sizes,
            c.Attributes.GetFloat("scale", 0f), c.Attributes.GetFloat("mask_filter_value", -10000f), packed, bias,
            Sgemm_8x48_Avx512.IsSupported(c.Cpu));
    }

    private static void CheckWeights(Tensor w, long[]? sizes, int heads, string node)
    {
        if (w.ElementType != TensorElementType.Float32 || w.Rank != 2)
            throw new OnnxModelException($"node '{node}' (Attention): weights must be 2-D float32 [input hidden, Q + K + V], got {w}");
        long width = w.Dimension(1);
        if (sizes is not null ? sizes.Sum() != width : width % (3L * heads) != 0)
            throw new OnnxModelException(
                $"node '{node}' (Attention): weights {w} have {width} columns; expected {(sizes is null ? $"3 × a multiple of num_heads = {heads}" : $"Q + K + V = {sizes.Sum()}")}");
    }

    public override void Run(OpContext context)
    {
        Tensor input = context.Input(0);
        if (input.ElementType != TensorElementType.Float32 || input.Rank != 3)
            throw new ArgumentException($"Attention needs a float32 input [batch, sequence, hidden], got {input}", "input");
        int batch = checked((int)input.Dimension(0)), sequence = checked((int)input.Dimension(1)), hidden = checked((int)input.Dimension(2));
        SgemmPackedB weights = packedWeights ?? PackRuntimeWeights(context.Input(1));
        if (weights.K != hidden)
            throw new ArgumentException($"Attention: input {input} has hidden size {hidden}; weights expect {weights.K}", "input");
        int width = weights.N;
        int qk = (int)(qkvSizes?[0] ?? width / 3), v = (int)(qkvSizes?[2] ?? width / 3);
        ReadOnlyMemory<float> bias = constantBias ?? RuntimeBias(context.OptionalInput(2), width);
        var mask = AttentionMask.From(context.OptionalInput(3), batch, sequence, sequence, filter);

        Tensor output = context.Output(0, TensorElementType.Float32, [batch, sequence, v]);
        int rows = batch * sequence;
        if (rows == 0)
            return;
        float[] qkv = ArrayPool<float>.Shared.Rent(rows * width);
        try
        {
            Sgemm.Run(rows, input.AsSpan<float>(), hidden, weights, qkv, width, new SgemmEpilogue { Bias = bias },
                GemmThreads.For(rows, hidden, width, context.Threads));
            int qkHead = qk / heads;
            var task = new AttentionHeads
            {
                Q = qkv,
                K = qkv,
                V = qkv,
                QStride = width,
                KStride = width,
                VStride = width,
                KOffset = qk,
                VOffset = 2 * qk,
                Output = (float[])output.Data,
                Mask = mask,
                Batch = batch,
                Sequence = sequence,
                KvSequence = sequence,
                Heads = heads,
                QkHeadSize = qkHead,
                VHeadSize = v / heads,
                OutputWidth = v,
                Scale = scale == 0f ? 1f / MathF.Sqrt(qkHead) : scale,
                Causal = unidirectional && sequence > 1,
                DecomposedCausalFill = float.NaN, // ORT's contract
                UseAvx512Gemm = useAvx512Gemm,
            };
            int items = batch * heads;
            int threads = Math.Min(items, GemmThreads.For((long)items * sequence, sequence, qkHead + v / heads, context.Threads));
            KernelThreadPool.Shared.For(ref task, items, threads);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(qkv);
        }
    }

    private SgemmPackedB PackRuntimeWeights(Tensor w)
    {
        if (w.ElementType != TensorElementType.Float32 || w.Rank != 2)
            throw new ArgumentException($"Attention: weights must be 2-D float32 [input hidden, Q + K + V], got {w}", "weights");
        long width = w.Dimension(1);
        if (qkvSizes is not null ? qkvSizes.Sum() != width : width % (3L * heads) != 0)
            throw new ArgumentException($"Attention: weights {w} do not split into Q, K and V for num_heads = {heads}", "weights");
        return Sgemm.PackB(w.AsSpan<float>(), (int)w.Dimension(0), (int)width);
    }

    private static ReadOnlyMemory<float> RuntimeBias(Tensor? bias, int width)
    {
        if (bias is null)
            return ReadOnlyMemory<float>.Empty;
        if (bias.ElementType != TensorElementType.Float32 || bias.Rank != 1 || bias.ElementCount != width)
            throw new ArgumentException($"Attention: bias must be float32 [{width}] (Q + K + V), got {bias}", "bias");
        return (float[])bias.Data;
    }
}
