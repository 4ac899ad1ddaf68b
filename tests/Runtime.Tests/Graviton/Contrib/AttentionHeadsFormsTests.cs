using System.Runtime.Intrinsics;
using MlNetGraviton.Runtime.Ops.Contrib;

namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>
/// The four forms of one attention head (row form; with AVX-512 the register form up to 32 keys, beyond it the tiled form
/// where dv is a multiple of 16 and the GEMM form otherwise)
/// against a scalar double-precision reference, on strided Q, K, V with column offsets, key masks, causal rows and the
/// decomposed causal fill, head sizes that are and are not multiples of 16, and sequence lengths around 4, 16 and 32.
/// </summary>
public sealed class AttentionHeadsFormsTests
{
    public static TheoryData<int, int, int, int, string, bool> Cases()
    {
        var data = new TheoryData<int, int, int, int, string, bool>();
        foreach (int s in new[] { 1, 3, 4, 5, 15, 16, 17, 31, 32, 33 })
            foreach ((int dk, int dv) in new[] { (32, 32), (64, 64), (8, 12), (5, 80), (128, 128) })
                data.Add(s, s, dk, dv, s % 2 == 0 ? "ends" : "raw", false);
        foreach (int s in new[] { 2, 7, 16, 21, 32 })
        {
            data.Add(s, s, 32, 32, "none", true);
            data.Add(s, s, 16, 24, "raw", true);
        }
        data.Add(3, 20, 32, 32, "ranges", false); // cross attention: fewer queries than keys
        data.Add(40, 9, 64, 64, "ends", false);
        // The tiled form (more than 32 keys, dv a multiple of 16): 64-, 32- and 16-key column blocks, 64-, 32- and 16-wide
        // value blocks, partial row tiles, causal tiles that stop at their last query, and the GEMM form where dv is not whole zmm.
        foreach (int s in new[] { 47, 64, 65, 130 })
            foreach ((int dk, int dv) in new[] { (64, 64), (32, 32), (5, 80), (8, 12) })
                data.Add(s, s, dk, dv, s % 2 == 0 ? "ends" : "raw", false);
        data.Add(70, 70, 64, 64, "raw", true);
        data.Add(53, 53, 16, 48, "none", true);
        data.Add(7, 90, 64, 64, "ranges", false);
        data.Add(33, 33, 128, 128, "raw", true);
        data.Add(100, 100, 32, 32, "raw", true); // keys 64 + 32 + 16
        data.Add(90, 90, 32, 96, "ends", false); // keys 64 + 32, values 64 + 32
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_form_matches_the_scalar_reference(int s, int t, int dk, int dv, string mask, bool causal)
    {
        const int batch = 2, heads = 3;
        int qStride = heads * dk + 5, kStride = heads * dk + 3, vStride = heads * dv + 1;
        float[] q = RandomTensors.Floats(batch * s * qStride + 7, 1, 2f);
        float[] k = RandomTensors.Floats(batch * t * kStride + 7, 2, 1f);
        float[] v = RandomTensors.Floats(batch * t * vStride + 7, 3);
        int[] raw = new int[batch * t];
        for (int i = 0; i < raw.Length; i++)
            raw[i] = i % t >= 2 && (i * 7 % 5 == 0) ? 0 : 1;
        raw[t] = 0; // batch 1's first key masked: its first causal rows see no valid key (the decomposed fill)
        Tensor? maskTensor = mask switch
        {
            "none" => null,
            "ends" => Tensor.Create(new[] { t, Math.Max(1, t - 2) }, 2),
            "ranges" => Tensor.Create(new[] { t, t - 3, 0, 2 }, 4),
            _ => Tensor.Create(raw, batch, t),
        };
        float fill = causal && mask == "raw" ? -3.4e38f : float.NaN;
        var task = new AttentionHeads
        {
            Q = q, K = k, V = v,
            QStride = qStride, KStride = kStride, VStride = vStride, QOffset = 2, KOffset = 1, VOffset = 0,
            Mask = AttentionMask.From(maskTensor, batch, s, t, -10000f),
            Batch = batch, Sequence = s, KvSequence = t, Heads = heads, QkHeadSize = dk, VHeadSize = dv,
            OutputWidth = heads * dv, Scale = 1f / MathF.Sqrt(dk), Causal = causal, DecomposedCausalFill = fill,
        };
        float[] expected = Reference(task);
        foreach (bool avx512 in Vector512.IsHardwareAccelerated ? new[] { false, true } : new[] { false })
        {
            float[] output = new float[batch * s * heads * dv];
            task.Output = output;
            task.UseAvx512Gemm = avx512;
            for (int i = 0; i < batch * heads; i++)
                task.Run(i);
            string form = !avx512 ? "row form" : SmallHeadAttention.Applies(t, dk, dv, false) ? "register form"
                : TiledHeadAttention.Applies(t, dk, dv) ? "tiled form" : "GEMM form";
            for (int i = 0; i < output.Length; i++)
                Assert.True(Math.Abs(output[i] - expected[i]) <= 2e-5f * (1 + Math.Abs(expected[i])),
                    $"{form}, s={s} t={t} dk={dk} dv={dv} {mask} causal={causal}: [{i}] {output[i]} vs {expected[i]}");
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(16, 16)]
    [InlineData(17, 31)]
    [InlineData(32, 64)]
    [InlineData(25, 128)]
    public unsafe void Keys_transpose_to_the_scalar_layout_and_read_nothing_past_them(int t, int dk)
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            Assert.Skip("the register form's transpose needs AVX-512F");
        int keyWidth = t <= 16 ? 16 : 32;
        long stride = dk + 3;
        // The keys end exactly at the end of the array: a read past the last key row's dk values would fault or show.
        float[] keys = RandomTensors.Floats((int)(stride * (t - 1) + dk), 4);
        float[] actual = new float[dk * keyWidth];
        Array.Fill(actual, float.NaN);
        fixed (float* pk = keys, pa = actual)
            SmallHeadAttention.TransposeKeys(pk, stride, t, dk, pa, keyWidth);
        for (int d = 0; d < dk; d++)
            for (int j = 0; j < keyWidth; j++)
                Assert.Equal(j < t ? keys[j * stride + d] : 0f, actual[d * keyWidth + j]);
    }

    private static float[] Reference(AttentionHeads a)
    {
        int s = a.Sequence, t = a.KvSequence, dk = a.QkHeadSize, dv = a.VHeadSize;
        float[] output = new float[a.Batch * s * a.OutputWidth];
        float[] keyMask = new float[t];
        for (int b = 0; b < a.Batch; b++)
        {
            a.Mask.KeyRow(b, keyMask);
            int firstValid = 0;
            if (a.Causal && !float.IsNaN(a.DecomposedCausalFill))
                while (firstValid < t && keyMask[firstValid] != 0f)
                    firstValid++;
            for (int h = 0; h < a.Heads; h++)
                for (int i = 0; i < s; i++)
                {
                    var score = new double[t];
                    for (int j = 0; j < t; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < dk; d++)
                            dot += (double)a.Q[(b * s + i) * a.QStride + a.QOffset + h * dk + d] * a.K[(b * t + j) * a.KStride + a.KOffset + h * dk + d];
                        score[j] = dot * a.Scale + keyMask[j];
                        if (a.Causal && j > i)
                            score[j] = i < firstValid ? a.DecomposedCausalFill + (double)keyMask[j] : double.NegativeInfinity;
                    }
                    double max = score.Max(), sum = 0;
                    for (int j = 0; j < t; j++)
                        sum += score[j] = Math.Exp(score[j] - max);
                    for (int c = 0; c < dv; c++)
                    {
                        double acc = 0;
                        for (int j = 0; j < t; j++)
                            acc += score[j] * a.V[(b * t + j) * a.VStride + a.VOffset + h * dv + c];
                        output[(b * s + i) * a.OutputWidth + h * dv + c] = (float)(acc / sum);
                    }
                }
        }
        return output;
    }
}
