using System.Text.RegularExpressions;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Tests.Emit;

namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>The emitted bf16 code, read back with binutils' disassembler; and the emitted A packer run against the reference rounding.</summary>
public sealed partial class SbgemmEmittedCodeTests
{
    [Fact]
    public void MicroKernelLoopIsLoadsAndTwentyFourBfmmlas()
    {
        A64Disassembler.SkipIfUnavailable();
        List<string> code = A64Disassembler.Disassemble(Sbgemm_8x12_Bfmmla.Emit()).ToList();
        int loopStart = code.FindIndex(l => l.StartsWith("ldp q0, q1, [x0], #32", StringComparison.Ordinal));
        int branch = code.FindIndex(l => l.StartsWith("b.ne", StringComparison.Ordinal));
        Assert.True(loopStart > 0 && branch > loopStart, string.Join("\n", code));
        Assert.Equal($"b.ne 0x{loopStart * 4:x}", code[branch]);
        string[] body = code.Skip(loopStart).Take(branch - loopStart + 1).ToArray();
        Assert.Equal(24, body.Count(l => l.StartsWith("bfmmla ", StringComparison.Ordinal)));
        Assert.Equal(5, body.Count(l => l.StartsWith("ldp q", StringComparison.Ordinal)));
        Assert.Equal(31, body.Length); // 5 loads + 24 BFMMLA + subs + b.ne: nothing else in the loop
        Assert.Equal("ldp q4, q5, [x1], #32", body[2]);
        Assert.Equal("bfmmla v8.4s, v0.8h, v4.8h", body[3]);
        Assert.Equal("ldp q6, q7, [x1], #32", body[11]);
        Assert.Equal("ldp q4, q5, [x1], #32", body[20]);
        Assert.Equal("bfmmla v31.4s, v3.8h, v5.8h", body[28]);
        // Each accumulator v8..v31 is updated exactly once per K step (24 independent chains).
        Assert.Equal(24, body.Where(l => l.StartsWith("bfmmla ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).Distinct().Count());
        Assert.Equal("ret", code[^1]);
    }

    [Fact]
    public void MicroKernelSavesAndRestoresTheCalleeSavedVectorRegisters()
    {
        A64Disassembler.SkipIfUnavailable();
        IReadOnlyList<string> code = A64Disassembler.Disassemble(Sbgemm_8x12_Bfmmla.Emit());
        // AAPCS64: the low 64 bits of v8-v15 must survive a call; the kernel uses v8-v15 as accumulators.
        Assert.Equal(["stp d8, d9, [sp, #-16]!", "stp d10, d11, [sp, #-16]!", "stp d12, d13, [sp, #-16]!", "stp d14, d15, [sp, #-16]!"],
            code.Take(4));
        Assert.Equal(["ldp d14, d15, [sp], #16", "ldp d12, d13, [sp], #16", "ldp d10, d11, [sp], #16", "ldp d8, d9, [sp], #16", "ret"],
            code.Skip(code.Count - 5));
        Assert.DoesNotContain(code.Skip(4).Take(code.Count - 9), l => l.Contains("sp", StringComparison.Ordinal));
    }

    [Fact]
    public void APackerConvertsFourRowPairsPerStep()
    {
        A64Disassembler.SkipIfUnavailable();
        IReadOnlyList<string> code = A64Disassembler.Disassemble(SbgemmPackA_8_Bfcvtn.Emit());
        Assert.Equal(4, code.Count(l => l.StartsWith("bfcvtn v", StringComparison.Ordinal)));
        Assert.Equal(4, code.Count(l => l.StartsWith("bfcvtn2 v", StringComparison.Ordinal)));
        Assert.Contains("bfcvtn v16.4h, v0.4s", code);
        Assert.Contains("bfcvtn2 v16.8h, v1.4s", code);
        Assert.Equal(8, code.Count(l => Regex.IsMatch(l, @"^ldr q[0-7], \[x(9|1[0-6])\], #16$")));
        Assert.Equal("ret", code[^1]);
        AssertNoCalleeSavedVectorRegisters(code);
    }

    [Fact]
    public unsafe void EmittedPackerRoundsLikeTheReference()
    {
        if (!Gemm.Sbgemm.IsAvailable(CpuFeatures.Current))
            return; // refusal is covered by SbgemmTests; the packer is only ever called where BF16 exists
        const int steps = 6, k = steps * 4;
        var rng = new Random(3);
        float[] rows = new float[8 * k];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = (i % 5) switch
            {
                0 => BitConverter.UInt32BitsToSingle(0x3F80_8000u | ((uint)rng.Next(4) << 16)), // ties
                1 => (float)(rng.NextDouble() - 0.5) * 1e-39f,                                 // fp32 denormals
                2 => BitConverter.UInt32BitsToSingle((uint)rng.Next() & 0x7F7F_FFFFu),          // any finite positive
                _ => (float)(rng.NextDouble() * 200 - 100),
            };
        }
        var packed = new ushort[steps * 32];
        fixed (float* p = rows)
        fixed (ushort* dst = packed)
        {
            float** ptrs = stackalloc float*[8];
            for (int r = 0; r < 8; r++)
                ptrs[r] = p + r * k;
            SbgemmPackA_8_Bfcvtn.Function(ptrs, dst, steps);
        }
        for (int s = 0; s < steps; s++)
            for (int r = 0; r < 8; r++)
                for (int kk = 0; kk < 4; kk++)
                {
                    float x = rows[r * k + s * 4 + kk];
                    ushort got = packed[s * 32 + (r >> 1) * 8 + (r & 1) * 4 + kk];
                    ushort want = SbgemmReference.RoundToBf16(x);
                    Assert.True(want == got, $"row {r} k {s * 4 + kk}: BFCVTN({BitConverter.SingleToUInt32Bits(x):x8}) = {got:x4}, RNE {want:x4}");
                }
    }

    private static void AssertNoCalleeSavedVectorRegisters(IReadOnlyList<string> code)
    {
        // AAPCS64: d8-d15 must survive a call; the emitted code neither saves nor touches them.
        foreach (string line in code)
            Assert.False(CalleeSaved().IsMatch(line), $"uses a callee-saved vector register: {line}");
    }

    [GeneratedRegex(@"\b[vqdsh](8|9|1[0-5])\b")]
    private static partial Regex CalleeSaved();
}
