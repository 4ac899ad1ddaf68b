using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Kernels;

/// <summary>
/// What the CPU offers the kernels. <see cref="Detected"/> is the hardware (as the OS and .NET allow it);
/// <see cref="Current"/> is that, lowered by a forced <see cref="IsaLevel"/> limit (API or
/// the <c>MLNETGRAVITON_ISA</c> environment variable) so fallbacks can be tested on one machine.
/// </summary>
public sealed record CpuFeatures
{
    /// <summary>Environment variable that forces a lower ISA level, e.g. <c>MLNETGRAVITON_ISA=neon</c>.</summary>
    public const string IsaEnvironmentVariable = "MLNETGRAVITON_ISA";

    private static readonly Lazy<CpuFeatures> s_detected = new(Detect);
    private static IsaLevel? s_limit;

    public bool IsX64 { get; init; }
    public bool IsArm64 { get; init; }

    // x86-64
    public bool Avx2 { get; init; }
    public bool Fma { get; init; }
    public bool AvxVnni { get; init; }
    public bool Avx512F { get; init; }
    public bool Avx512BW { get; init; }
    public bool Avx512Vnni { get; init; }
    public bool Avx512Bf16 { get; init; }

    // Arm64
    public bool AdvSimd { get; init; }
    public bool DotProd { get; init; }
    public bool I8mm { get; init; }
    public bool Bf16 { get; init; }
    public bool Sve { get; init; }

    /// <summary>The limit applied to produce this instance (<see cref="IsaLevel.Native"/> when none).</summary>
    public IsaLevel Limit { get; init; } = IsaLevel.Native;

    /// <summary>CPU model name as the OS reports it, or the architecture name.</summary>
    public string ModelName { get; init; } = RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>The hardware's features, without any limit.</summary>
    public static CpuFeatures Detected => s_detected.Value;

    /// <summary>The features kernels may use: <see cref="Detected"/> lowered by the active limit.</summary>
    public static CpuFeatures Current => Detected.LimitedTo(s_limit ?? EnvironmentLimit() ?? IsaLevel.Native);

    /// <summary>Forces (or, with null, clears) a process-wide limit; it takes precedence over the environment variable.</summary>
    public static void SetLimit(IsaLevel? level) => s_limit = level;

    /// <summary>Parses an ISA level name as used by <c>MLNETGRAVITON_ISA</c> and <c>--isa</c>.</summary>
    public static IsaLevel ParseLevel(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string key = text.Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        foreach (IsaLevel level in Enum.GetValues<IsaLevel>())
        {
            if (string.Equals(level.ToString(), key, StringComparison.OrdinalIgnoreCase))
                return level;
        }
        if (key.Equals("i8mm", StringComparison.OrdinalIgnoreCase) || key.Equals("bf16", StringComparison.OrdinalIgnoreCase))
            return IsaLevel.Mmla;
        if (key.Equals("dot", StringComparison.OrdinalIgnoreCase))
            return IsaLevel.DotProd;
        throw new ArgumentException(
            $"Unknown ISA level '{text}'. Known levels: {string.Join(", ", Enum.GetNames<IsaLevel>().Select(n => n.ToLowerInvariant()))}.",
            nameof(text));
    }

    /// <summary>A copy with every feature above <paramref name="level"/> switched off.</summary>
    public CpuFeatures LimitedTo(IsaLevel level)
    {
        if (level == IsaLevel.Native)
            return this;
        bool x86 = level >= IsaLevel.Avx2 && level < IsaLevel.Native;
        bool arm = level >= IsaLevel.Neon && level <= IsaLevel.Mmla;
        return this with
        {
            Limit = level,
            Avx2 = Avx2 && x86,
            Fma = Fma && x86,
            AvxVnni = AvxVnni && x86 && level >= IsaLevel.AvxVnni,
            Avx512F = Avx512F && x86 && level >= IsaLevel.Avx512,
            Avx512BW = Avx512BW && x86 && level >= IsaLevel.Avx512,
            Avx512Vnni = Avx512Vnni && x86 && level >= IsaLevel.Avx512Vnni,
            Avx512Bf16 = false, // only Native keeps it: it is the top x86 level
            AdvSimd = AdvSimd && arm,
            DotProd = DotProd && arm && level >= IsaLevel.DotProd,
            I8mm = I8mm && arm && level >= IsaLevel.Mmla,
            Bf16 = Bf16 && arm && level >= IsaLevel.Mmla,
            Sve = false, // no kernel uses SVE yet; a limit never turns it on
        };
    }

    /// <summary>Feature names that are on, e.g. "avx2 fma avx512f".</summary>
    public IReadOnlyList<string> EnabledFeatureNames()
    {
        var names = new List<string>();
        void Add(bool on, string name) { if (on) names.Add(name); }
        Add(Avx2, "avx2"); Add(Fma, "fma"); Add(AvxVnni, "avx-vnni"); Add(Avx512F, "avx512f"); Add(Avx512BW, "avx512bw");
        Add(Avx512Vnni, "avx512-vnni"); Add(Avx512Bf16, "avx512-bf16");
        Add(AdvSimd, "asimd"); Add(DotProd, "asimddp"); Add(I8mm, "i8mm"); Add(Bf16, "bf16"); Add(Sve, "sve");
        return names;
    }

    private static IsaLevel? EnvironmentLimit()
    {
        string? value = Environment.GetEnvironmentVariable(IsaEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
            return null;
        try
        {
            return ParseLevel(value);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{IsaEnvironmentVariable}={value}: {e.Message}", e);
        }
    }

    private static CpuFeatures Detect()
    {
        string model = ReadCpuModelName() ?? RuntimeInformation.ProcessArchitecture.ToString();
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
            return DetectX64() with { ModelName = model };
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
            return DetectArm64() with { ModelName = model };
        return new CpuFeatures { ModelName = model };
    }

    private static CpuFeatures DetectX64()
    {
        // .NET's IsSupported already folds in OS support for the register state (XCR0);
        // CPUID is only read for what .NET 10 has no class for (512-bit VNNI, AVX512-BF16).
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported;
        bool vnni512 = false, bf16 = false;
        if (avx512 && X86Base.IsSupported)
        {
            (_, _, int ecx7, _) = X86Base.CpuId(7, 0);
            vnni512 = (ecx7 & (1 << 11)) != 0;
            (int eax71, _, _, _) = X86Base.CpuId(7, 1);
            bf16 = (eax71 & (1 << 5)) != 0;
        }
        return new CpuFeatures
        {
            IsX64 = true,
            Avx2 = System.Runtime.Intrinsics.X86.Avx2.IsSupported,
            Fma = System.Runtime.Intrinsics.X86.Fma.IsSupported,
            AvxVnni = System.Runtime.Intrinsics.X86.AvxVnni.IsSupported,
            Avx512F = avx512,
            Avx512BW = System.Runtime.Intrinsics.X86.Avx512BW.IsSupported,
            Avx512Vnni = vnni512,
            Avx512Bf16 = bf16,
        };
    }

    private static CpuFeatures DetectArm64()
    {
        const int AT_HWCAP = 16, AT_HWCAP2 = 26;
        ulong hwcap = 0, hwcap2 = 0;
        if (OperatingSystem.IsLinux())
        {
            hwcap = NativeMethods.getauxval(AT_HWCAP);
            hwcap2 = NativeMethods.getauxval(AT_HWCAP2);
        }
        return new CpuFeatures
        {
            IsArm64 = true,
            AdvSimd = System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported,
            DotProd = Dp.IsSupported || (hwcap & (1UL << 20)) != 0,
            Sve = (hwcap & (1UL << 22)) != 0,
            I8mm = (hwcap2 & (1UL << 13)) != 0,
            Bf16 = (hwcap2 & (1UL << 14)) != 0,
        };
    }

    private static string? ReadCpuModelName()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo"))
                return null;
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                int colon = line.IndexOf(':');
                if (colon < 0)
                    continue;
                string key = line[..colon].Trim();
                if (key is "model name" or "Model" or "CPU part")
                    return line[(colon + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "getauxval")]
        internal static extern ulong getauxval(ulong type);
    }
}
