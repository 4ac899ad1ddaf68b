using MlNetGraviton.Kernels.Gemm;
using SbgemmApi = MlNetGraviton.Kernels.Gemm.Sbgemm;

namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>bf16 rounding and the packed B layout (pure C#: runs on every CPU).</summary>
public sealed class SbgemmPackingTests
{
    [Theory]
    [InlineData(0x3F80_0000u, (ushort)0x3F80)] // 1.0 exact
    [InlineData(0x3F80_7FFFu, (ushort)0x3F80)] // just below the tie: down
    [InlineData(0x3F80_8000u, (ushort)0x3F80)] // tie, even below: down
    [InlineData(0x3F81_8000u, (ushort)0x3F82)] // tie, odd below: up to even
    [InlineData(0x3F80_8001u, (ushort)0x3F81)] // just above the tie: up
    [InlineData(0xBF81_8000u, (ushort)0xBF82)] // negative tie
    [InlineData(0x0000_8000u, (ushort)0x0000)] // denormal tie to zero
    [InlineData(0x0001_8000u, (ushort)0x0002)] // denormal tie to even
    [InlineData(0x007F_FFFFu, (ushort)0x0080)] // largest denormal rounds up to the smallest normal
    [InlineData(0x7F7F_FFFFu, (ushort)0x7F80)] // float.MaxValue overflows to +Inf
    [InlineData(0x7F80_0000u, (ushort)0x7F80)] // +Inf
    [InlineData(0x8000_0000u, (ushort)0x8000)] // -0
    public void RoundsToNearestEven(uint input, ushort expected)
    {
        float x = BitConverter.UInt32BitsToSingle(input);
        Assert.Equal(expected, SbgemmReference.RoundToBf16(x));
        Assert.Equal(expected, BFloat16Rounding.FromSingle(x));
    }

    [Fact]
    public void NaNStaysNaNEvenWithALowPayload()
    {
        // 0x7F800001 is a NaN whose payload sits only in the dropped bits: naive rounding would give Inf.
        foreach (uint bits in new[] { 0x7F80_0001u, 0xFFC0_0000u, 0x7FFF_FFFFu })
            Assert.True(float.IsNaN(SbgemmReference.ToSingle(BFloat16Rounding.FromSingle(BitConverter.UInt32BitsToSingle(bits)))));
    }

    [Fact]
    public void LibraryRoundingAgreesWithTheReferenceOnRandomBits()
    {
        var rng = new Random(11);
        for (int i = 0; i < 200_000; i++)
        {
            uint bits = (uint)rng.Next() ^ ((uint)rng.Next(2) << 31);
            float x = BitConverter.UInt32BitsToSingle(bits);
            if (float.IsNaN(x))
                continue;
            Assert.Equal(SbgemmReference.RoundToBf16(x), BFloat16Rounding.FromSingle(x));
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(4, 8)]
    [InlineData(9, 17)]
    [InlineData(17, 16)]
    [InlineData(5, 12)]
    [InlineData(8, 25)]
    public void PackedBHasTheBfmmlaLayoutWithZeroPadding(int k, int n)
    {
        var rng = new Random(k * 100 + n);
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        SbgemmPackedB packed = SbgemmApi.PackB(b, k, n);
        Assert.Equal(k, packed.K);
        Assert.Equal(n, packed.N);
        Assert.Equal("Sbgemm_8x12_Bfmmla", packed.KernelName);
        int steps = (k + 3) / 4, panels = (n + 11) / 12;
        ReadOnlySpan<ushort> words = packed.Packed;
        Assert.Equal(panels * steps * 48, words.Length);
        // Walk the layout in storage order: panel, k step, column pair, column in pair, k in step.
        int index = 0;
        for (int p = 0; p < panels; p++)
            for (int s = 0; s < steps; s++)
                for (int pair = 0; pair < 6; pair++)
                    for (int c = 0; c < 2; c++)
                        for (int kk = 0; kk < 4; kk++)
                        {
                            int row = s * 4 + kk, col = p * 12 + pair * 2 + c;
                            ushort want = row < k && col < n ? SbgemmReference.RoundToBf16(b[row * n + col]) : (ushort)0;
                            Assert.True(want == words[index], $"K={k} N={n}: word {index} (k={row}, n={col}) = {words[index]:x4}, want {want:x4}");
                            index++;
                        }
    }
}
