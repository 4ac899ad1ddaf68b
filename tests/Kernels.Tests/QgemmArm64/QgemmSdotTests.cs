using System.Text.RegularExpressions;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Tests.Emit;

namespace MlNetGraviton.Kernels.Tests.QgemmArm64;

/// <summary>
/// The SDOT kernel (<see cref="Qgemm_S8S8_8x8_Dot"/>): its emitted loop read back with binutils, and, on a DotProd CPU
/// (QEMU -cpu neoverse-n1 / max, Graviton), the emitted and the intrinsics loops each against a plain scalar sum over the
/// packed layout, bit-exact, with the extreme bytes included. The driver-level shape sweep runs in QgemmKernelTests.
/// </summary>
public sealed partial class QgemmSdotTests
{
    [Fact]
    public void LoopIsTwoLoadsAndSixteenSdotsByElement()
    {
        A64Disassembler.SkipIfUnavailable();
        List<string> code = A64Disassembler.Disassemble(QgemmSdotEmitter.Emit()).ToList();
        int loopStart = code.FindIndex(l => l == "ldp q0, q1, [x0], #32");
        int branch = code.FindIndex(l => l.StartsWith("b.ne", StringComparison.Ordinal));
        Assert.True(loopStart > 0 && branch > loopStart, string.Join("\n", code));
        Assert.Equal($"b.ne 0x{loopStart * 4:x}", code[branch]);
        Assert.Equal($"cbz x2, 0x{(branch + 1) * 4:x}", code[loopStart - 1]); // K = 0 goes straight to the stores
        string[] body = code.Skip(loopStart).Take(branch - loopStart + 1).ToArray();
        Assert.Equal(20, body.Length); // 2 loads + 16 SDOT + subs + b.ne
        Assert.Equal("ldp q4, q5, [x1], #32", body[1]);
        Assert.Equal("sdot v16.4s, v4.16b, v0.4b[0]", body[2]);
        Assert.Equal("sdot v17.4s, v5.16b, v0.4b[0]", body[3]);
        Assert.Equal("sdot v25.4s, v5.16b, v1.4b[0]", body[11]);
        Assert.Equal("sdot v31.4s, v5.16b, v1.4b[3]", body[17]);
        Assert.Equal(16, body.Where(l => l.StartsWith("sdot ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).Distinct().Count());
        Assert.Equal(8, code.Count(l => Regex.IsMatch(l, @"^stp q(1[6-9]|2\d|3[01]), q(1[6-9]|2\d|3[01]), \[x3(, #\d+)?\]$")));
        Assert.Equal("ret", code[^1]);
        foreach (string line in code)
            Assert.False(CalleeSaved().IsMatch(line), $"uses a callee-saved vector register: {line}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(193)]
    public unsafe void EmittedAndIntrinsicLoopsEqualTheScalarSum(int kGroups)
    {
        if (!Qgemm_S8S8_8x8_Dot.Instance.IsSupported(CpuFeatures.Current))
            return; // no DotProd here: nothing of this kernel can run (selection is checked by the dispatch tests)
        var rng = new Random(kGroups);
        sbyte[] a = new sbyte[Math.Max(1, kGroups * 32)], b = new sbyte[Math.Max(1, kGroups * 32)];
        for (int i = 0; i < kGroups * 32; i++)
        {
            // A third of the bytes at the extremes: -128·-128 sums must not saturate or wrap.
            a[i] = (sbyte)(rng.Next(3) == 0 ? (rng.Next(2) == 0 ? -128 : 127) : rng.Next(-128, 128));
            b[i] = (sbyte)(rng.Next(3) == 0 ? -128 : rng.Next(-128, 128));
        }
        var want = new int[64];
        for (int g = 0; g < kGroups; g++)
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                    for (int q = 0; q < 4; q++)
                        want[r * 8 + c] += a[g * 32 + r * 4 + q] * b[g * 32 + c * 4 + q];

        int[] viaCompute = new int[64], viaIntrinsics = new int[64];
        Array.Fill(viaCompute, 12345); // the kernel overwrites, never accumulates into, the tile
        Array.Fill(viaIntrinsics, -1);
        fixed (sbyte* pa = a)
        fixed (sbyte* pb = b)
        fixed (int* t1 = viaCompute)
        fixed (int* t2 = viaIntrinsics)
        {
            Qgemm_S8S8_8x8_Dot.Instance.Compute((byte*)pa, (byte*)pb, kGroups * 4, t1);
            Qgemm_S8S8_8x8_Dot.ComputeWithIntrinsics((byte*)pa, (byte*)pb, kGroups * 4, t2);
        }
        Assert.Equal(want, viaCompute);
        Assert.Equal(want, viaIntrinsics);
        if (OperatingSystem.IsLinux())
            Assert.True(Qgemm_S8S8_8x8_Dot.UsesEmittedCode, "on Linux Arm64 the emitted loop must be the one that runs");
    }

    [GeneratedRegex(@"\b[vqd](8|9|1[0-5])\b")]
    private static partial Regex CalleeSaved();
}
