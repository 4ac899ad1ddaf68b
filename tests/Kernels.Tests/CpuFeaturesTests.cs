using System.Runtime.InteropServices;

namespace MlNetGraviton.Kernels.Tests;

public sealed class CpuFeaturesTests
{
    [Fact]
    public void DetectionAgreesWithTheKernelsCpuFlags()
    {
        // /proc/cpuinfo is the OS's own independent report of the same CPUID / HWCAP bits.
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo"))
            Assert.Skip("needs Linux /proc/cpuinfo");
        string key = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? "flags" : "Features";
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        if (line is null)
            Assert.Skip($"/proc/cpuinfo has no '{key}' line");
        var flags = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        CpuFeatures cpu = CpuFeatures.Detected;
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            Assert.True(cpu.IsX64);
            Assert.Equal(flags.Contains("avx2"), cpu.Avx2);
            Assert.Equal(flags.Contains("fma"), cpu.Fma);
            Assert.Equal(flags.Contains("avx512f"), cpu.Avx512F);
            Assert.Equal(flags.Contains("avx512bw"), cpu.Avx512BW);
            Assert.Equal(flags.Contains("avx512f") && flags.Contains("avx512_vnni"), cpu.Avx512Vnni);
            Assert.Equal(flags.Contains("avx512f") && flags.Contains("avx512_bf16"), cpu.Avx512Bf16);
            Assert.Equal(flags.Contains("avx_vnni"), cpu.AvxVnni);
        }
        else if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            Assert.True(cpu.IsArm64);
            Assert.Equal(flags.Contains("asimddp"), cpu.DotProd);
            Assert.Equal(flags.Contains("i8mm"), cpu.I8mm);
            Assert.Equal(flags.Contains("bf16"), cpu.Bf16);
        }
    }

    [Fact]
    public void LimitsMaskEveryFeatureAboveTheLevel()
    {
        var all = new CpuFeatures
        {
            IsX64 = true, Avx2 = true, Fma = true, AvxVnni = true, Avx512F = true, Avx512BW = true, Avx512Vnni = true, Avx512Bf16 = true,
        };
        Assert.Same(all, all.LimitedTo(IsaLevel.Native));
        Assert.Empty(all.LimitedTo(IsaLevel.Scalar).EnabledFeatureNames());
        Assert.Equal(["avx2", "fma"], all.LimitedTo(IsaLevel.Avx2).EnabledFeatureNames());
        Assert.Equal(["avx2", "fma", "avx-vnni"], all.LimitedTo(IsaLevel.AvxVnni).EnabledFeatureNames());
        Assert.Equal(["avx2", "fma", "avx-vnni", "avx512f", "avx512bw"], all.LimitedTo(IsaLevel.Avx512).EnabledFeatureNames());
        Assert.Equal(["avx2", "fma", "avx-vnni", "avx512f", "avx512bw", "avx512-vnni"], all.LimitedTo(IsaLevel.Avx512Vnni).EnabledFeatureNames());
        Assert.Empty(all.LimitedTo(IsaLevel.Neon).EnabledFeatureNames());

        var arm = new CpuFeatures { IsArm64 = true, AdvSimd = true, DotProd = true, I8mm = true, Bf16 = true, Sve = true };
        Assert.Equal(["asimd"], arm.LimitedTo(IsaLevel.Neon).EnabledFeatureNames());
        Assert.Equal(["asimd", "asimddp"], arm.LimitedTo(IsaLevel.DotProd).EnabledFeatureNames());
        Assert.Equal(["asimd", "asimddp", "i8mm", "bf16"], arm.LimitedTo(IsaLevel.Mmla).EnabledFeatureNames());
        Assert.Empty(arm.LimitedTo(IsaLevel.Avx2).EnabledFeatureNames());
        Assert.Equal(IsaLevel.DotProd, arm.LimitedTo(IsaLevel.DotProd).Limit);
    }

    [Theory]
    [InlineData("neon", IsaLevel.Neon)]
    [InlineData("NEON", IsaLevel.Neon)]
    [InlineData("dotprod", IsaLevel.DotProd)]
    [InlineData("i8mm", IsaLevel.Mmla)]
    [InlineData("avx2", IsaLevel.Avx2)]
    [InlineData("avx-vnni", IsaLevel.AvxVnni)]
    [InlineData("avx512_vnni", IsaLevel.Avx512Vnni)]
    [InlineData("scalar", IsaLevel.Scalar)]
    [InlineData("native", IsaLevel.Native)]
    public void ParsesLevelNames(string text, IsaLevel expected) => Assert.Equal(expected, CpuFeatures.ParseLevel(text));

    [Fact]
    public void UnknownLevelNamesTheValueAndTheKnownLevels()
    {
        var e = Assert.Throws<ArgumentException>(() => CpuFeatures.ParseLevel("sse9"));
        Assert.Contains("sse9", e.Message);
        Assert.Contains("avx2", e.Message);
    }
}

/// <summary>
/// Sets the process-wide ISA limit, so it runs alone: run beside the other tests, a kernel test reading
/// CpuFeatures.Current in that window saw no features and failed (seen on a fresh clone's test command).
/// </summary>
[CollectionDefinition(nameof(CpuLimitTests), DisableParallelization = true)]
public sealed class CpuLimitCollection;

[Collection(nameof(CpuLimitTests))]
public sealed class CpuLimitTests
{
    [Fact]
    public void SetLimitLowersCurrentAndClears()
    {
        try
        {
            CpuFeatures.SetLimit(IsaLevel.Scalar);
            Assert.Empty(CpuFeatures.Current.EnabledFeatureNames());
            Assert.Equal(IsaLevel.Scalar, CpuFeatures.Current.Limit);
        }
        finally
        {
            CpuFeatures.SetLimit(null);
        }
        Assert.Equal(CpuFeatures.Detected.EnabledFeatureNames(), CpuFeatures.Current.EnabledFeatureNames());
    }
}
