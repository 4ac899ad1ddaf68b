using System.Buffers;
using System.Numerics.Tensors;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// One (batch, head) of attention per task, reading Q, K and V in place from the fused QKV buffer [B·S, Wq + Wk + Wv]:
/// Kᵀ of the head is staged densely, then for each query row: scores = q·Kᵀ·scale + mask (+ causal), softmax without
/// its final division, context = e·V, and the row scaled by 1/Σe while it is written into the head's slice of the output.
/// A causal head computes only the keys up to each query (half the work of a full mask).
/// </summary>
internal struct AttentionHeads : ITileTask
{
    public float[] Qkv;
    public float[] Output;
    public AttentionMask Mask;
    public int Batch, Sequence, Heads, QkHeadSize, VHeadSize, QkvWidth, KOffset, VOffset, OutputWidth;
    public float Scale;
    public bool Causal;

    public readonly void Run(int taskIndex)
    {
        int b = taskIndex / Heads, h = taskIndex % Heads;
        int s = Sequence, t = Sequence, dk = QkHeadSize, dv = VHeadSize, width = QkvWidth;
        float[] keysT = ArrayPool<float>.Shared.Rent(dk * t);
        float[] scores = ArrayPool<float>.Shared.Rent(t);
        float[] keyMask = ArrayPool<float>.Shared.Rent(t);
        try
        {
            Span<float> kt = keysT.AsSpan(0, dk * t), row = scores.AsSpan(0, t), mask = keyMask.AsSpan(0, t);
            ReadOnlySpan<float> qkv = Qkv;
            int batchBase = b * s * width;
            for (int j = 0; j < t; j++)
            {
                ReadOnlySpan<float> key = qkv.Slice(batchBase + j * width + KOffset + h * dk, dk);
                for (int d = 0; d < dk; d++)
                    kt[d * t + j] = key[d];
            }
            bool hasKeyMask = Mask.Form is not (AttentionMaskForm.None or AttentionMaskForm.Raw3D);
            if (hasKeyMask)
                Mask.KeyRow(b, mask);
            ReadOnlySpan<float> values = qkv.Slice(batchBase + VOffset + h * dv);
            for (int i = 0; i < s; i++)
            {
                // Causal: keys after the query are excluded outright (ORT fills them with float.lowest, so they weigh 0
                // even when padding masks every earlier key), so only the first i + 1 keys are computed.
                int keys = Causal ? i + 1 : t;
                Span<float> scored = row[..keys];
                RowTimesMatrix.Run(qkv.Slice(batchBase + i * width + h * dk, dk), kt, t, scored, Scale);
                if (hasKeyMask)
                    TensorPrimitives.Add(scored, mask[..keys], scored);
                else if (Mask.PerQuery)
                    Mask.AddQueryRow(b, i, scored);
                float max = TensorPrimitives.Max(scored);
                TensorPrimitives.Subtract(scored, max, scored);
                TensorPrimitives.Exp(scored, scored);
                float sum = TensorPrimitives.Sum(scored);
                RowTimesMatrix.Run(scored, values, width, Output.AsSpan((b * s + i) * OutputWidth + h * dv, dv), 1f / sum);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(keysT);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<float>.Shared.Return(keyMask);
        }
    }
}
