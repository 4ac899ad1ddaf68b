using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Tests.Emit;
using MlNetGraviton.Kernels.Tests.Qgemm;
using QgemmApi = MlNetGraviton.Kernels.Gemm.Qgemm;

namespace MlNetGraviton.Kernels.Tests.Mmla;

/// <summary>
/// The emitted int8 MMLA family: its code read back with binutils, its place in the dispatch table, and (on an
/// I8MM CPU: QEMU -cpu max, Graviton3) bit-exact results through the shared QGEMM tester. The full shape sweep of
/// every supported kernel, these included, runs in <see cref="QgemmKernelTests"/>.
/// </summary>
public sealed partial class QgemmMmlaTests
{
    public static TheoryData<string> Families() => ["Qgemm_S8S8_8x8_I8mm", "Qgemm_U8S8_8x8_I8mm"];

    [Theory]
    [InlineData("smmla")]
    [InlineData("usmmla")]
    public void LoopIsLoadsAndSixteenMmlas(string mnemonic)
    {
        A64Disassembler.SkipIfUnavailable();
        var variant = mnemonic == "smmla" ? QgemmMmlaEmitter.Variant.Smmla : QgemmMmlaEmitter.Variant.Usmmla;
        List<string> code = A64Disassembler.Disassemble(QgemmMmlaEmitter.Emit(variant)).ToList();
        int loopStart = code.FindIndex(l => l == "ldp q0, q1, [x0], #32");
        int branch = code.FindIndex(l => l.StartsWith("b.ne", StringComparison.Ordinal));
        Assert.True(loopStart > 0 && branch > loopStart, string.Join("\n", code));
        Assert.Equal($"b.ne 0x{loopStart * 4:x}", code[branch]);
        Assert.Equal($"cbz x2, 0x{(branch + 1) * 4:x}", code[loopStart - 1]); // K = 0 skips straight to the stores
        string[] body = code.Skip(loopStart).Take(branch - loopStart + 1).ToArray();
        Assert.Equal(22, body.Length);
        Assert.Equal(16, body.Count(l => l.StartsWith(mnemonic + " ", StringComparison.Ordinal)));
        Assert.Equal($"{mnemonic} v16.4s, v0.16b, v4.16b", body[4]);
        Assert.Equal($"{mnemonic} v31.4s, v3.16b, v7.16b", body[19]);
        Assert.Equal(8, code.Count(l => Regex.IsMatch(l, @"^stp q[0-3], q[0-3], \[x3(, #\d+)?\]$")));
        Assert.Equal("ret", code[^1]);
        foreach (string line in code)
            Assert.False(Regex.IsMatch(line, @"\b[vqd](8|9|1[0-5])\b"), $"uses a callee-saved vector register: {line}");
    }

    [Fact]
    public void MmlaFamiliesTopTheArm64DispatchAndNeedI8mm()
    {
        bool arm64Process = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 && OperatingSystem.IsLinux();
        var max = new CpuFeatures { IsArm64 = true, AdvSimd = true, DotProd = true, I8mm = true, Bf16 = true };
        foreach (string name in new[] { "Qgemm_S8S8_8x8_I8mm", "Qgemm_U8S8_8x8_I8mm" })
        {
            QgemmKernel kernel = QgemmKernelTable.Find(name) ?? throw new InvalidOperationException($"{name} is not registered");
            Assert.Equal((8, 8, 8), (kernel.MR, kernel.NR, kernel.KGroup));
            Assert.Equal(name.StartsWith("Qgemm_S8", StringComparison.Ordinal), kernel.ASigned);
            Assert.Equal(arm64Process, kernel.IsSupported(max)); // never on an x64 process, whatever the features say
            Assert.False(kernel.IsSupported(max with { I8mm = false }));
            Assert.False(kernel.IsSupported(max.LimitedTo(IsaLevel.DotProd)));
            Assert.False(kernel.IsSupported(new CpuFeatures { IsX64 = true, Avx2 = true, Fma = true }));
        }
        // Best first: the two MMLA families come before every other Arm64 family.
        List<string> order = QgemmKernelTable.All.Select(k => k.Name).ToList();
        Assert.Equal(0, order.IndexOf("Qgemm_U8S8_8x8_I8mm"));
        Assert.Equal(1, order.IndexOf("Qgemm_S8S8_8x8_I8mm"));
        if (arm64Process && CpuFeatures.Detected.I8mm)
        {
            Assert.Equal("Qgemm_U8S8_8x8_I8mm", QgemmKernelTable.Select(CpuFeatures.Detected).Name);
            Assert.Equal("Qgemm_U8S8_8x8_I8mm", QgemmKernelTable.Select(CpuFeatures.Detected.LimitedTo(IsaLevel.Mmla)).Name);
            Assert.Equal("Qgemm_S8S8_8x8_Dot", QgemmKernelTable.Select(CpuFeatures.Detected.LimitedTo(IsaLevel.DotProd)).Name);
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void KAroundTheStepOfEightIsExact(string kernel)
    {
        if (!QgemmApi.SupportedKernels(CpuFeatures.Detected).Contains(kernel))
        {
            // Without I8MM the family must be refused by name, never run (it would die with SIGILL).
            var e = Assert.Throws<ArgumentException>(() => QgemmApi.PackB(new sbyte[4], 2, 2, [0], kernel, CpuFeatures.Detected));
            Assert.Equal("kernelName", e.ParamName);
            return;
        }
        int seed = 0;
        foreach (int k in new[] { 1, 7, 8, 9, 15, 16, 17, 24, 63, 64, 65, 769 })
        {
            foreach ((int m, int n) in new[] { (1, 1), (8, 8), (9, 7), (17, 16) })
            {
                foreach (bool signed in new[] { false, true })
                {
                    new QgemmTester
                    {
                        Kernel = kernel, M = m, K = k, N = n, SignedA = signed,
                        AZeroPoint = signed ? -3 : 131, BZeroPoints = seed % 2 == 0 ? [(sbyte)5] : null,
                        LdaPad = 1, LdcPad = 2, Seed = seed++,
                    }.CheckInt32();
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void ExtremeBytesDoNotOverflow(string kernel)
    {
        if (!QgemmApi.SupportedKernels(CpuFeatures.Detected).Contains(kernel))
            return; // refusal is checked by KAroundTheStepOfEightIsExact
        foreach (sbyte bValue in new sbyte[] { -128, 127 })
        {
            new QgemmTester { Kernel = kernel, M = 9, K = 769, N = 9, AFill = 255, BFill = bValue, AZeroPoint = 0, BZeroPoints = [0] }.CheckInt32();
            new QgemmTester { Kernel = kernel, M = 9, K = 769, N = 9, SignedA = true, AFill = -128, BFill = bValue, AZeroPoint = 0, BZeroPoints = [0] }.CheckInt32();
        }
    }
}
