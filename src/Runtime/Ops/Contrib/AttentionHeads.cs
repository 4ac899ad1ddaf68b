using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// One (batch, head) of attention per task, reading Q, K and V in place: from the fused QKV buffer [B·S, Wq + Wk + Wv]
/// (Attention) or from three tensors [B·S, Wq], [B·T, Wk], [B·T, Wv] (MultiHeadAttention); each has its own row stride and
/// column offset. Kᵀ of the head is staged densely, then for each query row: scores = q·Kᵀ·scale + mask (+ causal), softmax without
/// its final division, context = e·V, and the row scaled by 1/Σe while it is written into the head's slice of the output.
/// A causal head computes only the keys up to each query (half the work of a full mask).
/// With <see cref="UseAvx512Gemm"/> (AVX-512F) a head over at most 32 keys runs in registers (<see cref="SmallHeadAttention"/>),
/// one whose value head size is a multiple of 16 runs on six-row register tiles (<see cref="TiledHeadAttention"/>: 1.36×
/// the GEMM form at 128 keys and head size 64), and any other runs both products on the AVX-512 SGEMM kernel: Kᵀ and V of the head are
/// packed into its 48-column panels, then per chunk of 64 query rows S = scale·Q·Kᵀ, the masked softmax without its
/// division, context = e·V written straight into the output, and each context row scaled by 1/Σe; a causal chunk stops
/// at the keys its last query sees.
/// </summary>
internal unsafe struct AttentionHeads : ITileTask
{
    public float[] Q, K, V;
    public float[] Output;
    public AttentionMask Mask;
    public int Batch, Sequence, KvSequence, Heads, QkHeadSize, VHeadSize, OutputWidth;
    public int QStride, KStride, VStride, QOffset, KOffset, VOffset;
    public float Scale;
    public bool Causal;

    /// <summary>
    /// Causal with a key mask, as Hugging Face's decomposition computes it: s = Where(causal, q·kᵀ·scale, fill) + mask.
    /// Rows with a valid visible key come out the same either way (later keys weigh exp(fill − max) = 0); a row whose
    /// visible keys are all masked (a left-padded position) then spreads over every key whose term is largest, later ones
    /// included, exactly like the original graph, instead of over the visible ones. NaN fill = off (ORT's contract).
    /// </summary>
    public float DecomposedCausalFill;

    /// <summary>Run both products on <see cref="Sgemm_8x48_Avx512"/> (set where the session's CPU has AVX-512F).</summary>
    public bool UseAvx512Gemm;

    /// <summary>Query rows per chunk of the GEMM form: its scores [64, T] stay in L2.</summary>
    private const int RowChunk = 64;

    public readonly void Run(int taskIndex)
    {
        if (UseAvx512Gemm && SmallHeadAttention.Applies(KvSequence, QkHeadSize, VHeadSize, Mask.PerQuery))
        {
            RunSmall(taskIndex);
            return;
        }
        if (UseAvx512Gemm && Sequence > 0 && TiledHeadAttention.Applies(KvSequence, QkHeadSize, VHeadSize))
        {
            RunTiled(taskIndex);
            return;
        }
        if (UseAvx512Gemm && Sequence > 0 && KvSequence > 0)
        {
            RunGemm(taskIndex);
            return;
        }
        int b = taskIndex / Heads, h = taskIndex % Heads;
        int s = Sequence, t = KvSequence, dk = QkHeadSize, dv = VHeadSize;
        float[] keysT = ArrayPool<float>.Shared.Rent(dk * t);
        float[] scores = ArrayPool<float>.Shared.Rent(4 * t);
        float[] keyMask = ArrayPool<float>.Shared.Rent(t);
        try
        {
            Span<float> kt = keysT.AsSpan(0, dk * t), block = scores.AsSpan(0, 4 * t), mask = keyMask.AsSpan(0, t);
            ReadOnlySpan<float> queries = Q, keys = K;
            int keyBase = b * t * KStride + KOffset + h * dk;
            for (int j = 0; j < t; j++)
            {
                ReadOnlySpan<float> key = keys.Slice(keyBase + j * KStride, dk);
                for (int d = 0; d < dk; d++)
                    kt[d * t + j] = key[d];
            }
            int firstValid = KeyMask(b, mask, out bool hasKeyMask);
            ReadOnlySpan<float> values = V.AsSpan(b * t * VStride + VOffset + h * dv);
            int queryBase = b * s * QStride + QOffset + h * dk;
            Span<float> output = Output.AsSpan(b * s * OutputWidth + h * dv);
            int i = 0;
            // Four query rows at a time: every K and V load feeds four rows. A causal block computes the keys its last row
            // sees; each row's later keys are then excluded (−∞: weight 0), or set to the fill where the row is decomposed.
            for (; i + 4 <= s; i += 4)
            {
                int n = Causal && i >= firstValid ? Math.Min(t, i + 4) : t;
                RowTimesMatrix.Run4(queries[(queryBase + i * QStride)..], QStride, dk, kt, t, block, t, n, new Vector4(Scale));
                Vector4 inverse = default;
                for (int r = 0; r < 4; r++)
                {
                    Span<float> scored = block.Slice(r * t, n);
                    if (Causal && i + r + 1 < n)
                        scored[(i + r + 1)..].Fill(i + r < firstValid ? DecomposedCausalFill : float.NegativeInfinity);
                    float sum = Normalize(scored, mask, hasKeyMask, b, i + r);
                    inverse[r] = 1f / sum;
                }
                RowTimesMatrix.Run4(block, t, n, values, VStride, output[(i * OutputWidth)..], OutputWidth, dv, inverse);
            }
            for (; i < s; i++)
            {
                // Causal: keys after the query are excluded outright (ORT fills them with float.lowest, so they weigh 0
                // even when padding masks every earlier key), so only the first i + 1 keys are computed.
                int visible = Causal ? i + 1 : t;
                bool decomposed = Causal && i < firstValid;
                Span<float> scored = block[..(decomposed ? t : visible)];
                RowTimesMatrix.Run(queries.Slice(queryBase + i * QStride, dk), kt, t, scored, Scale);
                if (decomposed)
                    scored[visible..].Fill(DecomposedCausalFill);
                float sum = Normalize(scored, mask, hasKeyMask, b, i);
                RowTimesMatrix.Run(scored, values, VStride, output.Slice(i * OutputWidth, dv), 1f / sum);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(keysT);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<float>.Shared.Return(keyMask);
        }
    }

    /// <summary>At most 32 keys: <see cref="SmallHeadAttention"/>, four query rows at a time, everything staged on the stack.</summary>
    private readonly void RunSmall(int taskIndex)
    {
        int b = taskIndex / Heads, h = taskIndex % Heads;
        int s = Sequence, t = KvSequence, dk = QkHeadSize, dv = VHeadSize;
        if (s == 0)
            return;
        int keyWidth = t <= 16 ? 16 : 32, vWidth = (dv + 15) & ~15;
        bool stageValues = vWidth != dv;
        float* keysT = stackalloc float[dk * keyWidth];
        float* maskRow = stackalloc float[keyWidth];
        float* weights = stackalloc float[4 * 32];
        float* staged = stackalloc float[stageValues ? t * vWidth + 4 * vWidth : 0];
        float* scratch = stackalloc float[vWidth];
        float** queries = stackalloc float*[4];
        float** outputs = stackalloc float*[4];
        Span<float> mask = new(maskRow, keyWidth);
        int firstValid = KeyMask(b, mask[..t], out _);
        mask[t..].Fill(float.NegativeInfinity);
        fixed (float* pq = Q, pk = K, pv = V, po = Output)
        {
            float* keys = pk + (long)b * t * KStride + KOffset + h * dk;
            SmallHeadAttention.TransposeKeys(keys, KStride, t, dk, keysT, keyWidth);
            float* values = pv + (long)b * t * VStride + VOffset + h * dv;
            long valueStride = VStride;
            if (stageValues)
            {
                // Head sizes not a multiple of 16: V padded with zeros, so the kernel's 16-wide loads stay in bounds.
                for (int j = 0; j < t; j++)
                {
                    new ReadOnlySpan<float>(values + (long)j * VStride, dv).CopyTo(new Span<float>(staged + j * vWidth, dv));
                    new Span<float>(staged + j * vWidth + dv, vWidth - dv).Clear();
                }
                values = staged;
                valueStride = vWidth;
            }
            float* rowsOut = staged + t * vWidth;
            float* q = pq + (long)b * s * QStride + QOffset + h * dk;
            float* output = po + (long)b * s * OutputWidth + h * dv;
            for (int i = 0; i < s; i += 4)
            {
                int rows = Math.Min(4, s - i);
                for (int r = 0; r < 4; r++)
                {
                    queries[r] = q + (long)(i + Math.Min(r, rows - 1)) * QStride;
                    outputs[r] = r >= rows ? scratch : stageValues ? rowsOut + r * vWidth : output + (long)(i + r) * OutputWidth;
                }
                SmallHeadAttention.Run4(queries, i, dk, keysT, keyWidth, maskRow, Scale, Causal, firstValid, DecomposedCausalFill,
                    values, valueStride, t, vWidth, outputs, weights);
                if (stageValues)
                    for (int r = 0; r < rows; r++)
                        new ReadOnlySpan<float>(rowsOut + r * vWidth, dv).CopyTo(new Span<float>(output + (long)(i + r) * OutputWidth, dv));
            }
        }
    }

    /// <summary>
    /// More than 32 keys and dv a multiple of 16: <see cref="TiledHeadAttention"/>, six query rows at a time. Kᵀ of the head
    /// is staged densely [dk, t rounded up to 16] once; per tile the scores go to six rows in L1, each gets the masked
    /// softmax without its division (as the GEMM form), and the context rows are scaled by 1/Σe as they are stored.
    /// </summary>
    private readonly void RunTiled(int taskIndex)
    {
        const int rowsPerTile = TiledHeadAttention.Rows;
        int b = taskIndex / Heads, h = taskIndex % Heads;
        int s = Sequence, t = KvSequence, dk = QkHeadSize, dv = VHeadSize;
        int keyWidth = (t + 15) & ~15;
        float[] keysT = ArrayPool<float>.Shared.Rent(dk * keyWidth);
        float[] scores = ArrayPool<float>.Shared.Rent(rowsPerTile * keyWidth);
        float[] keyMask = ArrayPool<float>.Shared.Rent(t);
        float[] scratch = ArrayPool<float>.Shared.Rent(dv);
        try
        {
            Span<float> mask = keyMask.AsSpan(0, t);
            int firstValid = KeyMask(b, mask, out bool hasKeyMask);
            fixed (float* pq = Q, pk = K, pv = V, po = Output, pkt = keysT, ps = scores, pscratch = scratch)
            {
                SmallHeadAttention.TransposeKeys(pk + (long)b * t * KStride + KOffset + h * dk, KStride, t, dk, pkt, keyWidth);
                float* values = pv + (long)b * t * VStride + VOffset + h * dv;
                float* queries = pq + (long)b * s * QStride + QOffset + h * dk;
                float* output = po + (long)b * s * OutputWidth + h * dv;
                float** rowQueries = stackalloc float*[rowsPerTile];
                float** rowOutputs = stackalloc float*[rowsPerTile];
                float* inverseSums = stackalloc float[rowsPerTile];
                for (int i0 = 0; i0 < s; i0 += rowsPerTile)
                {
                    int rows = Math.Min(rowsPerTile, s - i0);
                    // A causal tile needs the keys up to its last query, unless one of its rows is decomposed (all keys).
                    int n = Causal && i0 >= firstValid ? Math.Min(t, i0 + rows) : t;
                    for (int r = 0; r < rowsPerTile; r++)
                    {
                        // Rows past the last real one repeat it; their context goes to scratch.
                        rowQueries[r] = queries + (long)(i0 + Math.Min(r, rows - 1)) * QStride;
                        rowOutputs[r] = r < rows ? output + (long)(i0 + r) * OutputWidth : pscratch;
                        inverseSums[r] = 0f;
                    }
                    TiledHeadAttention.Scores(rowQueries, dk, pkt, keyWidth, (n + 15) & ~15, Scale, ps, keyWidth);
                    for (int r = 0; r < rows; r++)
                        inverseSums[r] = 1f / ScoreRowWeights(new Span<float>(ps + (long)r * keyWidth, n), b, i0 + r, firstValid, mask, hasKeyMask);
                    TiledHeadAttention.Context(ps, keyWidth, n, values, VStride, dv, rowOutputs, inverseSums);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(keysT);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<float>.Shared.Return(keyMask);
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    private readonly void RunGemm(int taskIndex)
    {
        int b = taskIndex / Heads, h = taskIndex % Heads;
        int s = Sequence, t = KvSequence, dk = QkHeadSize, dv = VHeadSize;
        int chunk = Math.Min(s, RowChunk);
        float[] packedK = ArrayPool<float>.Shared.Rent(Math.Max(1, Sgemm_8x48_Avx512.PackedLength(dk, t)));
        float[] packedV = ArrayPool<float>.Shared.Rent(Math.Max(1, Sgemm_8x48_Avx512.PackedLength(t, dv)));
        float[] scores = ArrayPool<float>.Shared.Rent(Math.Max(1, chunk * t));
        float[] keyMask = ArrayPool<float>.Shared.Rent(Math.Max(1, t));
        try
        {
            Span<float> mask = keyMask.AsSpan(0, t);
            int firstValid = KeyMask(b, mask, out bool hasKeyMask);
            fixed (float* pq = Q, pk = K, pv = V, po = Output, pkp = packedK, pvp = packedV, ps = scores)
            {
                // Kᵀ [dk, t] is given as K's rows [t, dk]; V [t, dv] is read row by row.
                Sgemm_8x48_Avx512.PackB(pk + (long)b * t * KStride + KOffset + h * dk, KStride, dk, t, transB: true, pkp);
                Sgemm_8x48_Avx512.PackB(pv + (long)b * t * VStride + VOffset + h * dv, VStride, t, dv, transB: false, pvp);
                float* queries = pq + (long)b * s * QStride + QOffset + h * dk;
                float* output = po + (long)b * s * OutputWidth + h * dv;
                float* inverseSums = stackalloc float[RowChunk];
                for (int i0 = 0; i0 < s; i0 += chunk)
                {
                    int rows = Math.Min(chunk, s - i0);
                    // A causal chunk needs the keys up to its last query, unless one of its rows is decomposed (all keys).
                    int n = Causal && i0 >= firstValid ? Math.Min(t, i0 + rows) : t;
                    Sgemm_8x48_Avx512.RunPacked(rows, queries + (long)i0 * QStride, QStride, pkp, dk, dk, n, ps, t, Scale, null);
                    for (int r = 0; r < rows; r++)
                        inverseSums[r] = 1f / ScoreRowWeights(new Span<float>(ps + (long)r * t, n), b, i0 + r, firstValid, mask, hasKeyMask);
                    Sgemm_8x48_Avx512.RunPacked(rows, ps, t, pvp, t, n, dv, output + (long)i0 * OutputWidth, OutputWidth, 1f, null);
                    // The softmax's division, on the dv-wide context rows rather than the t-wide weights.
                    for (int r = 0; r < rows; r++)
                        SoftmaxRow.Scale(new Span<float>(output + (long)(i0 + r) * OutputWidth, dv), inverseSums[r]);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedK);
            ArrayPool<float>.Shared.Return(packedV);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<float>.Shared.Return(keyMask);
        }
    }

    /// <summary>
    /// Batch <paramref name="b"/>'s additive key mask into <paramref name="mask"/> (when the mask has a key form) and the
    /// first key it keeps where the causal fill is decomposed: queries before it see no valid key. 0 otherwise.
    /// </summary>
    private readonly int KeyMask(int b, Span<float> mask, out bool hasKeyMask)
    {
        hasKeyMask = Mask.Form is not (AttentionMaskForm.None or AttentionMaskForm.Raw3D);
        if (hasKeyMask)
            Mask.KeyRow(b, mask);
        int firstValid = 0;
        if (Causal && hasKeyMask && !float.IsNaN(DecomposedCausalFill))
            while (firstValid < mask.Length && mask[firstValid] != 0f)
                firstValid++;
        return firstValid;
    }

    /// <summary>
    /// Query <paramref name="i"/>'s score row of the tiled and GEMM forms (its first n keys) to softmax weights without
    /// the division: causal keys past the query excluded (weight 0) or, where the row is decomposed, set to the fill as
    /// the row form does; then the per-query or key mask and exp(x − max). Keys past the row's length are zeroed so the
    /// context product can run over all n. Returns Σ exp.
    /// </summary>
    private readonly float ScoreRowWeights(Span<float> row, int b, int i, int firstValid, ReadOnlySpan<float> mask, bool hasKeyMask)
    {
        int length = row.Length;
        if (Causal)
        {
            int visible = Math.Min(i + 1, row.Length);
            if (i < firstValid)
                row[visible..].Fill(DecomposedCausalFill);
            else
                length = visible;
        }
        Span<float> scored = row[..length];
        if (Mask.PerQuery)
            Mask.AddQueryRow(b, i, scored);
        float sum = SoftmaxRow.ExpInPlace(scored, hasKeyMask ? mask[..length] : default);
        row[length..].Clear();
        return sum;
    }

    /// <summary>Adds the mask, then exp(x − max) in place; returns Σ exp (the softmax's division is left to the caller).</summary>
    private readonly float Normalize(Span<float> scored, ReadOnlySpan<float> mask, bool hasKeyMask, int b, int i)
    {
        if (hasKeyMask)
            TensorPrimitives.Add(scored, mask[..scored.Length], scored);
        else if (Mask.PerQuery)
            Mask.AddQueryRow(b, i, scored);
        float max = TensorPrimitives.Max(scored);
        TensorPrimitives.Subtract(scored, max, scored);
        TensorPrimitives.Exp(scored, scored);
        return TensorPrimitives.Sum(scored);
    }
}
