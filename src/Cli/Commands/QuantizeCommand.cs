using MlNetGraviton.Runtime.Quantization;

namespace MlNetGraviton.Cli.Commands;

/// <summary>
/// `quantize in.onnx out.onnx [--per-channel]`: dynamic int8 quantization in ONNX Runtime's quantize_dynamic format
/// (s8 weights, u8 activations quantized per run); the written file runs on ONNX Runtime and on the graviton engine.
/// </summary>
internal static class QuantizeCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string> { "per-channel" });
        bool perChannel = cl.Flag("per-channel");
        IReadOnlyList<string> files = cl.Positionals;
        cl.EnsureAllRead(2);
        if (files.Count != 2)
            throw new UsageException("quantize needs an input and an output model: quantize in.onnx out.onnx [--per-channel]");
        string input = files[0], target = files[1];
        if (Path.GetFullPath(input) == Path.GetFullPath(target))
            throw new UsageException("the output must be a different file from the input");

        DynamicQuantizationReport report = DynamicQuantizer.QuantizeFile(input, target, new DynamicQuantizationOptions { PerChannel = perChannel });
        // One line per reason (attention's activation × activation MatMuls alone are two per layer).
        foreach (IGrouping<string, SkippedMatMul> reason in report.Skipped.GroupBy(s => s.Reason))
        {
            int count = reason.Count();
            string nodes = count == 1 ? $"'{reason.First().NodeName}'" : $"{count} nodes, first '{reason.First().NodeName}'";
            output.WriteLine($"  left in float32: MatMul {nodes}: {reason.Key}");
        }
        output.WriteLine($"quantize: {report.Summary}; wrote {target}");
        return 0;
    }
}
