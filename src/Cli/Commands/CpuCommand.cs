using System.Runtime.InteropServices;
using MlNetGraviton.Kernels;

namespace MlNetGraviton.Cli.Commands;

/// <summary>`cpu`: what the CPU has, what limit is in force, and which kernels serve each precision.</summary>
internal static class CpuCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string>());
        cl.EnsureAllRead(0);
        Print(output);
        return 0;
    }

    public static void Print(TextWriter output)
    {
        CpuFeatures detected = CpuFeatures.Detected;
        CpuFeatures current = CpuFeatures.Current;
        output.WriteLine($"cpu: {detected.ModelName} ({RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores)");
        output.WriteLine($"features: {Join(detected.EnabledFeatureNames())}");
        if (current.Limit != IsaLevel.Native)
            output.WriteLine($"limit: {current.Limit.ToString().ToLowerInvariant()} ({CpuFeatures.IsaEnvironmentVariable}); features in use: {Join(current.EnabledFeatureNames())}");
        foreach (string line in KernelReport.Describe(current))
            output.WriteLine(line);
    }

    private static string Join(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(' ', names);
}
