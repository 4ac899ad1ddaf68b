using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Tests.Emit;
using MlNetGraviton.Kernels.Tests.Sbgemm;

namespace MlNetGraviton.Kernels.Tests.Fp32;

/// <summary>
/// What the shared SGEMM tests (every runnable kind against the reference) do not show about the emitted AVX-512
/// kernel: its K loop is the intended instruction mix with A read in place, and a last row block of fewer than 8 rows
/// reads nothing past A (A ends flush against a PROT_NONE page, so a stray read crashes).
/// </summary>
public sealed unsafe class SgemmAvx512Tests
{
    private static void SkipUnlessAvx512()
    {
        if (!Sgemm_8x48_Avx512.IsSupported(CpuFeatures.Detected))
            Assert.Skip("needs an x64 CPU with AVX-512F");
    }

    [Fact]
    public void KernelLoopIsThreeLoadsEightInPlaceBroadcastsAndTwentyFourFmas()
    {
        SkipUnlessAvx512();
        X64Disassembler.SkipIfUnavailable();
        List<string> code = X64Disassembler.Disassemble(Sgemm_8x48_Avx512.Emit(SbgemmAvx512Bf16Emitter.Output.Store)).ToList();
        int loopStart = code.FindIndex(l => l.StartsWith("vmovups zmm24,ZMMWORD PTR [rsi]", StringComparison.Ordinal));
        int branch = code.FindIndex(l => l.StartsWith("jne ", StringComparison.Ordinal));
        Assert.True(loopStart > 0 && branch > loopStart, string.Join("\n", code));
        string[] body = code.Skip(loopStart).Take(branch - loopStart + 1).ToArray();
        Assert.Equal(3, body.Count(l => l.StartsWith("vmovups zmm", StringComparison.Ordinal)));
        string[] broadcasts = body.Where(l => l.StartsWith("vbroadcastss zmm", StringComparison.Ordinal)).ToArray();
        Assert.Equal(8, broadcasts.Length);
        // rows 0-2 from rdi, 3-5 from r11, 6-7 from rax, each at + 0, + lda (r10), + 2·lda
        Assert.Equal(["[rdi]", "[rdi+r10*1]", "[rdi+r10*2]", "[r11]", "[r11+r10*1]", "[r11+r10*2]", "[rax]", "[rax+r10*1]"],
            broadcasts.Select(l => l[l.IndexOf('[')..]));
        Assert.Equal(24, body.Count(l => l.StartsWith("vfmadd231ps zmm", StringComparison.Ordinal)));
        Assert.Equal(3 + 8 + 24 + 2 + 6, body.Length); // + the prefetch and its step, 4 pointer steps, dec, jne
        X64Disassembler.AssertPrefetchesOnCalleeSavedPair(code, body);
    }

    [Theory]
    [InlineData(13, 65, 50, 1)]
    [InlineData(5, 17, 97, 2)]
    [InlineData(1, 768, 48, 1)]
    [InlineData(48, 64, 96, 2)] // 6 row blocks in 4 groups of 2: the last group of each panel has none (and no prefetch)
    public void EdgeRowBlocksReadNothingPastA(int m, int k, int n, int threads)
    {
        SkipUnlessAvx512();
        var rng = new Random(m * 31 + k);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        SgemmPackedB packed = Sgemm.PackB(b, k, n, false, SgemmKernelKind.Avx512x8x48);
        float[] c = new float[m * n];
        using (var guardedA = new GuardedFloats(a.Length))
        {
            a.CopyTo(guardedA.Span);
            Sgemm.Run(m, guardedA.Span, k, packed, c, n, threads: threads);
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double want = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    want += (double)a[i * k + p] * b[p * n + j];
                    scale += Math.Abs((double)a[i * k + p] * b[p * n + j]);
                }
                Assert.True(Math.Abs(c[i * n + j] - want) <= (k + 4) * Math.Pow(2, -24) * scale + 1e-30, $"C[{i},{j}] = {c[i * n + j]}, want {want}");
            }
    }
}
