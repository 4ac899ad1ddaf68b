using QgemmApi = MlNetGraviton.Kernels.Gemm.Qgemm;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Qgemm;

/// <summary>
/// Every int8 GEMM kernel this CPU can run (x86: scalar, AVX2, AVX-VNNI when present; Arm64: scalar, NEON, SDOT,
/// and any registered MMLA family), through the same cases, bit-exact against the scalar reference.
/// </summary>
public sealed class QgemmKernelTests
{
    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (string name in QgemmApi.SupportedKernels(CpuFeatures.Detected))
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ShapeSweepIsExact(string kernel)
    {
        int index = 0;
        foreach ((int m, int k, int n) in QgemmShapes.All())
        {
            // Rotate zero points and strides through the sweep so every shape class meets each of them.
            int[] aZeroPoints = [0, 128, 255, 3];
            new QgemmTester
            {
                Kernel = kernel, M = m, K = k, N = n,
                AZeroPoint = aZeroPoints[index % 4],
                BZeroPoints = (index % 3) switch { 0 => [0], 1 => [(sbyte)-7], _ => null },
                LdaPad = index % 2 == 0 ? 0 : 3,
                LdcPad = index % 5 == 0 ? 0 : 2,
                Seed = index,
            }.CheckInt32();
            index++;
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void SignedActivationsAreExact(string kernel)
    {
        int index = 0;
        foreach ((int m, int k, int n) in new[] { (1, 1, 1), (5, 7, 9), (8, 16, 16), (17, 17, 17), (13, 65, 31), (33, 127, 20) })
        {
            foreach (int za in new[] { -128, 0, 127, 5 })
            {
                new QgemmTester
                {
                    Kernel = kernel, M = m, K = k, N = n, SignedA = true, AZeroPoint = za,
                    BZeroPoints = index % 2 == 0 ? [(sbyte)3] : null, LdaPad = 1, LdcPad = 3, Seed = index,
                }.CheckInt32();
                index++;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void WorstCaseMagnitudesDoNotSaturate(string kernel)
    {
        // a = 255 with b = ±extreme everywhere: any int16 pair sum (VPMADDUBSW) would saturate here.
        foreach (sbyte bValue in new sbyte[] { -128, 127 })
        {
            foreach (int k in new[] { 2, 17, 64, 769 })
            {
                new QgemmTester { Kernel = kernel, M = 7, K = k, N = 19, AFill = 255, BFill = bValue, AZeroPoint = 0, BZeroPoints = [0] }.CheckInt32();
                new QgemmTester { Kernel = kernel, M = 7, K = k, N = 19, AFill = 255, BFill = bValue, AZeroPoint = 255, BZeroPoints = [(sbyte)-128] }.CheckInt32();
                new QgemmTester { Kernel = kernel, M = 7, K = k, N = 19, SignedA = true, AFill = -128, BFill = bValue, AZeroPoint = 127, BZeroPoints = [127] }.CheckInt32();
                new QgemmTester { Kernel = kernel, M = 7, K = k, N = 19, SignedA = true, AFill = -128, BFill = bValue, AZeroPoint = 0, BZeroPoints = [0] }.CheckInt32();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void FloatEpilogueMatchesDoubleMath(string kernel)
    {
        var rng = new Random(5);
        int index = 0;
        foreach ((int m, int k, int n) in new[] { (1, 1, 1), (3, 8, 5), (6, 16, 16), (9, 17, 33), (17, 64, 17), (31, 65, 40), (65, 127, 7) })
        {
            float[] perColumn = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 0.02 + 1e-4)).ToArray();
            float[] bias = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            foreach ((float[] scales, float[]? b) in new (float[], float[]?)[] { ([0.0123f], null), ([0.007f], bias), (perColumn, null), (perColumn, bias) })
            {
                new QgemmTester
                {
                    Kernel = kernel, M = m, K = k, N = n, SignedA = index % 3 == 2,
                    AZeroPoint = index % 3 == 2 ? (index % 2 == 0 ? -5 : 0) : (index % 2 == 0 ? 131 : 0),
                    BZeroPoints = index % 2 == 0 ? [0] : null, LdaPad = 2, LdcPad = index % 2, Seed = index,
                }.CheckFloat(0.0371f, scales, b);
                index++;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void FusedGeluMatchesDoubleMath(string kernel)
    {
        var rng = new Random(11);
        int index = 0;
        foreach ((int m, int k, int n) in new[] { (1, 3, 1), (7, 16, 9), (13, 64, 37), (6, 65, 16) })
        {
            float[] bias = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float[] scales = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 0.004 + 1e-4)).ToArray();
            foreach (GemmActivation activation in new[] { GemmActivation.GeluErf, GemmActivation.GeluTanh })
            {
                new QgemmTester
                {
                    Kernel = kernel, M = m, K = k, N = n, AZeroPoint = 120, BZeroPoints = index % 2 == 0 ? [0] : null,
                    LdaPad = 1, LdcPad = 2, Seed = index,
                }.CheckFloat(0.02f, scales, index % 2 == 0 ? bias : null, activation);
                index++;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ThreadCountsGiveIdenticalResults(string kernel)
    {
        foreach ((int m, int k, int n) in new[] { (1, 5, 3), (17, 31, 45), (64, 65, 127), (97, 64, 33) })
        {
            int[] one = new QgemmTester { Kernel = kernel, M = m, K = k, N = n, AZeroPoint = 77, Threads = 1 }.CheckInt32();
            float[] oneF = new QgemmTester { Kernel = kernel, M = m, K = k, N = n, AZeroPoint = 77, Threads = 1 }.CheckFloat(0.5f, [0.25f], null);
            // GELU runs over each task's rows × panel group: how the work is cut must not change a bit.
            float[] oneGelu = new QgemmTester { Kernel = kernel, M = m, K = k, N = n, AZeroPoint = 77, Threads = 1 }
                .CheckFloat(0.5f, [0.004f], null, GemmActivation.GeluErf);
            foreach (int threads in new[] { 2, 3 })
            {
                Assert.Equal(one, new QgemmTester { Kernel = kernel, M = m, K = k, N = n, AZeroPoint = 77, Threads = threads }.CheckInt32());
                Assert.Equal(oneF, new QgemmTester { Kernel = kernel, M = m, K = k, N = n, AZeroPoint = 77, Threads = threads }.CheckFloat(0.5f, [0.25f], null));
                Assert.Equal(oneGelu, new QgemmTester { Kernel = kernel, M = m, K = k, N = n, AZeroPoint = 77, Threads = threads }
                    .CheckFloat(0.5f, [0.004f], null, GemmActivation.GeluErf));
            }
        }
    }

    [Fact]
    public void MZeroLeavesCUntouched()
    {
        QgemmPackedB packed = QgemmApi.PackB(new sbyte[12], 3, 4, [0]);
        int[] c = [IntSentinelValue];
        QgemmApi.Run(0, ReadOnlySpan<byte>.Empty, 3, 0, packed, c, 4);
        Assert.Equal(IntSentinelValue, c[0]);
    }

    private const int IntSentinelValue = QgemmTester.IntSentinel;
}
