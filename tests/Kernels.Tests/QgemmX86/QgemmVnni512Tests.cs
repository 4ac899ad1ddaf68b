using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Tests.Emit;
using MlNetGraviton.Kernels.Tests.Qgemm;
using QgemmApi = MlNetGraviton.Kernels.Gemm.Qgemm;

namespace MlNetGraviton.Kernels.Tests.QgemmX86;

/// <summary>
/// The emitted 512-bit VNNI kernel beyond the shared sweep: its full tiles take the fused path (zero points, dequantize
/// and bias written straight to C by the emitted code), so those are compared bit for bit with an exact kernel that
/// goes through the driver's per-element epilogue, on shapes with full and partial tiles; and its code is read back.
/// </summary>
public sealed class QgemmVnni512Tests
{
    private const string Vnni = "Qgemm_U8S8_8x48_Avx512Vnni", Exact = "Qgemm_U8S8_6x16_Avx2";

    private static void SkipUnlessVnni512()
    {
        if (!QgemmApi.SupportedKernels(CpuFeatures.Detected).Contains(Vnni))
            Assert.Skip($"{Vnni} needs an x64 CPU with AVX512-VNNI");
    }

    public static TheoryData<int, int, int> FullAndPartialTiles() => new()
    {
        { 8, 4, 48 }, { 8, 64, 48 }, { 16, 769, 96 }, { 17, 65, 100 }, { 64, 256, 769 }, { 9, 3, 47 },
    };

    [Theory]
    [MemberData(nameof(FullAndPartialTiles))]
    public void FusedFullTilesEqualTheDriversEpilogueBitForBit(int m, int k, int n)
    {
        SkipUnlessVnni512();
        var rng = new Random(m * 1000 + n);
        float[] scales = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 0.01 + 1e-4)).ToArray();
        float[] bias = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        int seed = 0;
        foreach (bool signedA in new[] { false, true })
        {
            foreach ((float[] s, float[]? b) in new (float[], float[]?)[] { ([0.031f], null), (scales, bias), (scales, null) })
            {
                // Per-column random zero points (BZeroPoints null) and a non-zero A zero point exercise every term.
                QgemmTester Case(string kernel) => new()
                {
                    Kernel = kernel, M = m, K = k, N = n, SignedA = signedA, AZeroPoint = signedA ? -3 : 129,
                    LdaPad = 1, LdcPad = 3, Seed = seed, Threads = 2,
                };
                Assert.Equal(Case(Exact).CheckInt32(), Case(Vnni).CheckInt32());
                Assert.Equal(Case(Exact).CheckFloat(0.02f, s, b), Case(Vnni).CheckFloat(0.02f, s, b));
                seed++;
            }
        }
    }

    [Fact]
    public void FusedTilesApplyTheActivationWithinTheSharedTolerance()
    {
        SkipUnlessVnni512();
        foreach (GemmActivation activation in new[] { GemmActivation.GeluErf, GemmActivation.GeluTanh })
        {
            new QgemmTester { Kernel = Vnni, M = 24, K = 65, N = 144, AZeroPoint = 100, LdcPad = 1 }
                .CheckFloat(0.01f, [0.002f], Enumerable.Range(0, 144).Select(j => j * 0.01f - 0.7f).ToArray(), activation);
        }
    }

    [Fact]
    public void KernelLoopIsThreeLoadsEightBroadcastsAndTwentyFourVpdpbusd()
    {
        SkipUnlessVnni512();
        X64Disassembler.SkipIfUnavailable();
        List<string> code = X64Disassembler.Disassemble(Qgemm_U8S8_8x48_Avx512Vnni.Emit(QgemmVnni512Emitter.Output.Tile)).ToList();
        int loopStart = code.FindIndex(l => l.StartsWith("vmovups zmm24,ZMMWORD PTR [rsi]", StringComparison.Ordinal));
        int branch = code.FindIndex(l => l.StartsWith("jne ", StringComparison.Ordinal));
        Assert.True(loopStart > 0 && branch > loopStart, string.Join("\n", code));
        string[] body = code.Skip(loopStart).Take(branch - loopStart + 1).ToArray();
        Assert.Equal(3, body.Count(l => l.StartsWith("vmovups zmm", StringComparison.Ordinal)));
        Assert.Equal(8, body.Count(l => l.StartsWith("vpbroadcastd zmm", StringComparison.Ordinal)));
        Assert.Equal(24, body.Count(l => l.StartsWith("vpdpbusd zmm", StringComparison.Ordinal)));
        Assert.Equal(3 + 8 + 24 + 4, body.Length); // + add A, add B, dec, jne: nothing else in the loop
        Assert.Equal("vzeroupper", code[^2]);
        Assert.Equal("ret", code[^1]);
        // No stack and no callee-saved general registers (System V: rbx, rbp, r12-r15).
        Assert.DoesNotContain(code, l => l.Contains("rsp", StringComparison.Ordinal) || l.Contains("rbx", StringComparison.Ordinal)
            || l.Contains("rbp", StringComparison.Ordinal) || l.Contains("r12", StringComparison.Ordinal) || l.Contains("r13", StringComparison.Ordinal)
            || l.Contains("r14", StringComparison.Ordinal) || l.Contains("r15", StringComparison.Ordinal));
    }

    [Fact]
    public void FusedFormsPrefetchOnceAKGroupFromTheEpilogue()
    {
        SkipUnlessVnni512();
        X64Disassembler.SkipIfUnavailable();
        foreach (var output in new[] { QgemmVnni512Emitter.Output.Int32, QgemmVnni512Emitter.Output.Float, QgemmVnni512Emitter.Output.FloatBias })
        {
            List<string> code = X64Disassembler.Disassemble(Qgemm_U8S8_8x48_Avx512Vnni.Emit(output)).ToList();
            int loopStart = code.FindIndex(l => l.StartsWith("vmovups zmm24,ZMMWORD PTR [rsi]", StringComparison.Ordinal));
            int branch = code.FindIndex(l => l.StartsWith("jne ", StringComparison.Ordinal));
            Assert.True(loopStart > 0 && branch > loopStart, string.Join("\n", code));
            string[] body = code.Skip(loopStart).Take(branch - loopStart + 1).ToArray();
            Assert.Equal(24, body.Count(l => l.StartsWith("vpdpbusd zmm", StringComparison.Ordinal)));
            Assert.Equal(3 + 8 + 24 + 2 + 4, body.Length); // + the prefetch and its step, add A, add B, dec, jne
            X64Disassembler.AssertPrefetchesOnCalleeSavedPair(code, body, epilogueOffset: 0x28);
        }
    }

    [Fact]
    public void IsaLimitsBelowAvx512VnniFallBack()
    {
        SkipUnlessVnni512();
        Assert.Equal(Vnni, QgemmApi.SupportedKernels(CpuFeatures.Detected)[0]);
        foreach (IsaLevel level in new[] { IsaLevel.Avx512, IsaLevel.AvxVnni, IsaLevel.Avx2 })
            Assert.DoesNotContain(Vnni, QgemmApi.SupportedKernels(CpuFeatures.Detected.LimitedTo(level)));
        Assert.Equal(Vnni, QgemmApi.SupportedKernels(CpuFeatures.Detected.LimitedTo(IsaLevel.Avx512Vnni))[0]);
        Assert.False(QgemmApi.PrefersReducedRangeWeights(CpuFeatures.Detected));
    }
}
