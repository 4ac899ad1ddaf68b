using System.Buffers;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Threading;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Ops.Algebra;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// MultiHeadAttention (com.microsoft, opset 1) on separate query [B, S, D], key [B, T, D] and value [B, T, Dv], as the
/// attention fusion writes it where Q, K and V are not float Linears of one input (int8 graphs, whose projections are
/// quantized MatMuls): optional bias [D + D + Dv] added to Q, K and V, key_padding_mask in any of Attention's mask_index
/// forms ([B], [2B], [B, T], [B, S, T], int32), unidirectional (S = T), scale (default 1/√(D/heads)) and mask_filter_value.
/// Then <see cref="AttentionHeads"/> per (batch, head), as in <see cref="AttentionKernel"/>. Packed QKV (5-D key),
/// cross-attention caches (past_key / past_value), attention_bias and the present outputs are refused at load.
/// The optimizer's own form (domain ai.mlnetgraviton, same inputs and attributes) adds two attributes:
/// decomposed_causal_fill, which it writes for Hugging Face's causal attention with a padding mask: fully masked rows
/// come out as the original Where/Add graph computes them (see <see cref="AttentionHeads.DecomposedCausalFill"/>),
/// where ORT's contract differs; and packed_qkv = 1, for an int8 graph's merged Q, K and V projection: query is then
/// [B, S, 3D] with Q, K and V side by side in each row (key, value and bias absent), read in place.
/// </summary>
internal sealed class MultiHeadAttentionKernel(
    int heads, bool unidirectional, float scale, float filter, float decomposedCausalFill, bool packedQkv, bool useAvx512Gemm) : OpKernel
{
    /// <summary>The attribute of the optimizer's form: the Where's fill value for the masked future scores.</summary>
    public const string DecomposedCausalFillAttribute = "decomposed_causal_fill";

    /// <summary>The attribute of the optimizer's form: input 0 holds [Q | K | V] per row.</summary>
    public const string PackedQkvAttribute = "packed_qkv";

    public static OpKernel Create(OpLoadContext c) => Create(c, decomposedForm: false);

    public static OpKernel CreateDecomposedForm(OpLoadContext c) => Create(c, decomposedForm: true);

    private static OpKernel Create(OpLoadContext c, bool decomposedForm)
    {
        bool packed = decomposedForm && c.Attributes.GetInt(PackedQkvAttribute, 0) != 0;
        c.RequireInputs(packed ? 1 : 3);
        if (packed)
            for (int i = 1; i <= 3; i++)
                if (c.HasInput(i))
                    throw c.Unsupported($"with {PackedQkvAttribute} = 1 takes Q, K and V from input 0: input {i} (key, value or bias) must be empty");
        long heads = c.Attributes.GetInt("num_heads", 0);
        if (heads <= 0)
            throw new OnnxModelException($"node '{c.Node.Name}' (MultiHeadAttention): num_heads must be a positive integer, got {heads}");
        string[] refused = ["attention_bias", "past_key", "past_value", "past_sequence_length", "cache_indirection"];
        for (int i = 5; i < c.Node.Inputs.Length; i++)
            if (c.HasInput(i))
                throw c.Unsupported($"with input {i} ('{(i - 5 < refused.Length ? refused[i - 5] : "?")}') is not supported: only self- or cross-attention without a cache");
        for (int o = 1; o < c.Node.Outputs.Length; o++)
            if (c.Node.HasOutput(o))
                throw c.Unsupported($"with output {o} (present key/value or qk) is not supported");
        bool unidirectional = c.Attributes.GetInt("unidirectional", 0) != 0;
        float fill = float.NaN;
        if (decomposedForm)
        {
            fill = c.Attributes.GetFloat(DecomposedCausalFillAttribute, float.NaN);
            if (!packed && float.IsNaN(fill) || !float.IsNaN(fill) && !unidirectional)
                throw new OnnxModelException(
                    $"node '{c.Node.Name}' (MultiHeadAttention, {c.Node.Domain}): needs {PackedQkvAttribute} = 1, or unidirectional = 1 and a {DecomposedCausalFillAttribute} value");
        }
        return new MultiHeadAttentionKernel((int)heads, unidirectional, c.Attributes.GetFloat("scale", 0f),
            c.Attributes.GetFloat("mask_filter_value", -10000f), fill, packed, Sgemm_8x48_Avx512.IsSupported(c.Cpu));
    }

    public override void Run(OpContext context)
    {
        if (packedQkv)
        {
            RunPacked(context);
            return;
        }
        Tensor query = Require3D(context.Input(0), "query");
        Tensor key = Require3D(context.Input(1), "key");
        Tensor value = Require3D(context.Input(2), "value");
        int batch = checked((int)query.Dimension(0)), sequence = checked((int)query.Dimension(1)), d = checked((int)query.Dimension(2));
        int total = checked((int)key.Dimension(1)), dv = checked((int)value.Dimension(2));
        if (key.Dimension(0) != batch || value.Dimension(0) != batch || value.Dimension(1) != total || key.Dimension(2) != d)
            throw new ArgumentException(
                $"MultiHeadAttention: query {query}, key {key} and value {value} must be [B, S, D], [B, T, D] and [B, T, Dv] with one B and T", "key");
        if (d % heads != 0 || dv % heads != 0)
            throw new ArgumentException($"MultiHeadAttention: widths D = {d} and Dv = {dv} must be multiples of num_heads = {heads}", "query");
        if (unidirectional && total != sequence)
            throw new ArgumentException($"MultiHeadAttention: unidirectional needs as many keys as queries, got S = {sequence}, T = {total}", "key");
        var mask = AttentionMask.From(context.OptionalInput(4), batch, sequence, total, filter);
        Tensor output = context.Output(0, TensorElementType.Float32, [batch, sequence, dv]);
        if (batch == 0 || sequence == 0)
            return;

        Tensor? bias = context.OptionalInput(3);
        if (bias is not null && (bias.ElementType != TensorElementType.Float32 || bias.Rank != 1 || bias.ElementCount != 2L * d + dv))
            throw new ArgumentException($"MultiHeadAttention: bias must be float32 [D + D + Dv] = [{2L * d + dv}], got {bias}", "bias");
        float[]? biased = bias is null ? null : ArrayPool<float>.Shared.Rent(checked(batch * (sequence * d + total * (d + dv))));
        try
        {
            if (biased is null)
            {
                RunHeads(context, (float[])query.Data, (float[])key.Data, (float[])value.Data, 0, 0, 0, output, mask, batch, sequence, total, d, dv);
                return;
            }
            // Q + bq, K + bk and V + bv, one after the other in one scratch buffer.
            ReadOnlySpan<float> b = bias!.AsSpan<float>();
            int qLength = batch * sequence * d, kLength = batch * total * d, vLength = batch * total * dv;
            AddRows(query.AsSpan<float>(), b[..d], biased.AsSpan(0, qLength));
            AddRows(key.AsSpan<float>(), b.Slice(d, d), biased.AsSpan(qLength, kLength));
            AddRows(value.AsSpan<float>(), b.Slice(2 * d, dv), biased.AsSpan(qLength + kLength, vLength));
            RunHeads(context, biased, biased, biased, 0, qLength, qLength + kLength, output, mask, batch, sequence, total, d, dv);
        }
        finally
        {
            if (biased is not null)
                ArrayPool<float>.Shared.Return(biased);
        }
    }

    private void RunPacked(OpContext context)
    {
        Tensor qkv = Require3D(context.Input(0), "query");
        int batch = checked((int)qkv.Dimension(0)), sequence = checked((int)qkv.Dimension(1)), width = checked((int)qkv.Dimension(2));
        if (width % (3 * heads) != 0)
            throw new ArgumentException(
                $"MultiHeadAttention ({PackedQkvAttribute}): query {qkv} must be [B, S, 3D] with D a multiple of num_heads = {heads}", "query");
        int d = width / 3;
        var mask = AttentionMask.From(context.OptionalInput(4), batch, sequence, sequence, filter);
        Tensor output = context.Output(0, TensorElementType.Float32, [batch, sequence, d]);
        if (batch == 0 || sequence == 0)
            return;
        float[] data = (float[])qkv.Data;
        RunHeads(context, data, data, data, 0, d, 2 * d, output, mask, batch, sequence, sequence, d, d, width, width, width);
    }

    private void RunHeads(OpContext context, float[] q, float[] k, float[] v, int qBase, int kBase, int vBase, Tensor output,
        AttentionMask mask, int batch, int sequence, int total, int d, int dv)
        => RunHeads(context, q, k, v, qBase, kBase, vBase, output, mask, batch, sequence, total, d, dv, d, d, dv);

    private void RunHeads(OpContext context, float[] q, float[] k, float[] v, int qBase, int kBase, int vBase, Tensor output,
        AttentionMask mask, int batch, int sequence, int total, int d, int dv, int qStride, int kStride, int vStride)
    {
        int qkHead = d / heads;
        var task = new AttentionHeads
        {
            Q = q,
            K = k,
            V = v,
            QStride = qStride,
            KStride = kStride,
            VStride = vStride,
            QOffset = qBase,
            KOffset = kBase,
            VOffset = vBase,
            Output = (float[])output.Data,
            Mask = mask,
            Batch = batch,
            Sequence = sequence,
            KvSequence = total,
            Heads = heads,
            QkHeadSize = qkHead,
            VHeadSize = dv / heads,
            OutputWidth = dv,
            Scale = scale == 0f ? 1f / MathF.Sqrt(qkHead) : scale,
            Causal = unidirectional && sequence > 1,
            DecomposedCausalFill = decomposedCausalFill,
            UseAvx512Gemm = useAvx512Gemm,
        };
        int items = batch * heads;
        int threads = Math.Min(items, GemmThreads.For((long)items * sequence, total, qkHead + dv / heads, context.Threads));
        KernelThreadPool.Shared.For(ref task, items, threads);
    }

    private static void AddRows(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        for (int i = 0; i < x.Length; i += bias.Length)
            System.Numerics.Tensors.TensorPrimitives.Add(x.Slice(i, bias.Length), bias, y.Slice(i, bias.Length));
    }

    private static Tensor Require3D(Tensor t, string name) =>
        t.ElementType == TensorElementType.Float32 && t.Rank == 3
            ? t
            : throw new ArgumentException($"MultiHeadAttention: {name} must be float32 [batch, sequence, width], got {t}", name);
}
