namespace MlNetGraviton.Arm64.Tests;

/// <summary>What an emulated CPU model offers, from <c>MLNETGRAVITON_EXPECT_CPU</c> (a QEMU <c>-cpu</c> name).</summary>
internal sealed record ExpectedCpu(string Name, bool DotProd, bool I8mm, bool Bf16)
{
    public const string EnvironmentVariable = "MLNETGRAVITON_EXPECT_CPU";

    /// <summary>The expected model; skips the calling test when the variable is unset (a run outside the runner).</summary>
    public static ExpectedCpu FromEnvironment()
    {
        string? name = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(name))
            Assert.Skip($"{EnvironmentVariable} is not set: run through scripts/arm64/test.sh, which names the emulated CPU model");
        // QEMU options after a comma (e.g. max,sve-default-vector-length=32) do not change these features.
        string model = name.Split(',')[0].Trim().ToLowerInvariant();
        return model switch
        {
            "max" or "graviton3" or "graviton4" => new ExpectedCpu(model, DotProd: true, I8mm: true, Bf16: true),
            "neoverse-n1" or "graviton2" => new ExpectedCpu(model, DotProd: true, I8mm: false, Bf16: false),
            "cortex-a72" or "graviton1" => new ExpectedCpu(model, DotProd: false, I8mm: false, Bf16: false),
            _ => throw new InvalidOperationException(
                $"{EnvironmentVariable}={name}: unknown model; expected max, graviton3, graviton4, neoverse-n1 or cortex-a72"),
        };
    }
}
