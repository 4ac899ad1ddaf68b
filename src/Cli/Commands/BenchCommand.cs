using MlNetGraviton.Cli.ModelBench;

namespace MlNetGraviton.Cli.Commands;

/// <summary>`bench model|gemm|tokenize`: dispatches to the benchmark families.</summary>
internal static class BenchCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter progress)
    {
        if (args.Length == 0)
            throw new UsageException("bench needs a subcommand: model, gemm or tokenize");
        return args[0] switch
        {
            "model" => ModelBenchCommand.Run(args[1..], output, progress),
            "gemm" => Bench.GemmBenchCommand.Run(args[1..], output),
            "tokenize" => Bench.TokenizeBenchCommand.Run(args[1..], output),
            _ => throw new UsageException($"unknown bench subcommand '{args[0]}' (model, gemm, tokenize)"),
        };
    }
}
