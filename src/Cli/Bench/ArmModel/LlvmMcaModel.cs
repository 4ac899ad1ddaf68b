using System.Globalization;
using System.Text.RegularExpressions;

namespace MlNetGraviton.Cli.Bench.ArmModel;

/// <summary>
/// llvm-mca's Neoverse V1 (Graviton3) scheduling model run on a loop body: steady-state cycles per iteration
/// (total cycles / iterations, which includes loop-carried latency that Block RThroughput alone would hide).
/// </summary>
internal static partial class LlvmMcaModel
{
    public const string ToolName = "llvm-mca-19";
    public const string Cpu = "neoverse-v1";
    public const string Attributes = "+i8mm,+bf16";
    public const int Iterations = 1000;

    public readonly record struct Result(double CyclesPerIteration, double BlockRThroughput);

    public static Result Run(IReadOnlyList<string> loopBody)
    {
        ExternalTool tool = ExternalTool.Require(ToolName, "llvm-19", "bench gemm --arm-model");
        string file = Path.Combine(Path.GetTempPath(), $"mlnetgraviton-mca-{Environment.ProcessId}-{Guid.NewGuid():N}.s");
        try
        {
            File.WriteAllLines(file, loopBody);
            string output = tool.Run("-mtriple=aarch64", $"-mcpu={Cpu}", $"-mattr={Attributes}",
                $"-iterations={Iterations}", file);
            double iterations = Number(output, IterationsLine());
            double cycles = Number(output, TotalCyclesLine());
            double rthroughput = Number(output, RThroughputLine());
            return new Result(cycles / iterations, rthroughput);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static double Number(string output, Regex line)
    {
        Match m = line.Match(output);
        if (!m.Success)
            throw new InvalidOperationException($"{ToolName} printed no line matching '{line}': {output[..Math.Min(output.Length, 400)]}");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^Iterations:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex IterationsLine();

    [GeneratedRegex(@"^Total Cycles:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex TotalCyclesLine();

    [GeneratedRegex(@"^Block RThroughput:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RThroughputLine();
}
