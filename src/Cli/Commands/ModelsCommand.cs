using System.Diagnostics;
using MlNetGraviton.Models;

namespace MlNetGraviton.Cli.Commands;

/// <summary>`models create|list`: writes architecture-faithful BERT / RoBERTa / GPT-2 graphs.</summary>
internal static class ModelsCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length == 0)
            throw new UsageException("models needs a subcommand: create or list");
        return args[0] switch
        {
            "create" => Create(args[1..], output),
            "list" => List(args[1..], output),
            _ => throw new UsageException($"unknown models subcommand '{args[0]}' (create, list)"),
        };
    }

    private static int Create(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string> { "cased", "uncased" });
        if (cl.Positionals.Count == 0)
            throw new UsageException("models create needs an architecture: bert, roberta or gpt2");
        TransformerArchitecture arch = ParseArchitecture(cl.Positionals[0]);
        ModelSize size = ParseSize(cl.Value("size") ?? "tiny");
        string outPath = cl.Required("out", "o");
        bool cased = cl.Flag("cased");
        bool uncased = cl.Flag("uncased");
        if (cased && uncased)
            throw new UsageException("--cased and --uncased exclude each other");
        if (cased && arch != TransformerArchitecture.Bert)
            throw new UsageException("--cased applies to bert only");
        int labels = cl.Int("labels", 0);
        int seed = cl.Int("seed", 42);
        cl.EnsureAllRead(1);

        TransformerConfig config = TransformerConfig.Create(arch, size, cased, labels);
        var sw = Stopwatch.StartNew();
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        TransformerModelBuilder.Write(config, outPath, seed);
        output.WriteLine($"models: wrote {config.Name} ({Describe(config)}, seed {seed}) to {outPath}, {new FileInfo(outPath).Length / 1e6:F1} MB in {sw.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static int List(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string>());
        cl.EnsureAllRead(0);
        foreach (TransformerArchitecture arch in Enum.GetValues<TransformerArchitecture>())
        {
            foreach (ModelSize size in Enum.GetValues<ModelSize>())
            {
                foreach (bool cased in arch == TransformerArchitecture.Bert ? new[] { false, true } : new[] { false })
                {
                    TransformerConfig c = TransformerConfig.Create(arch, size, cased);
                    output.WriteLine($"{c.Name,-22} {arch.ToString().ToLowerInvariant(),-8} {size.ToString().ToLowerInvariant(),-6} {Describe(c)}");
                }
            }
        }
        output.WriteLine($"cache: {ModelCache.Directory}");
        return 0;
    }

    private static string Describe(TransformerConfig c) =>
        $"layers {c.Layers}, hidden {c.Hidden}, heads {c.Heads}, ffn {c.FfnSize}, vocab {c.VocabSize}" + (c.NumLabels > 0 ? $", labels {c.NumLabels}" : "");

    internal static TransformerArchitecture ParseArchitecture(string text) => text.ToLowerInvariant() switch
    {
        "bert" => TransformerArchitecture.Bert,
        "roberta" => TransformerArchitecture.Roberta,
        "gpt2" or "gpt-2" => TransformerArchitecture.Gpt2,
        _ => throw new UsageException($"unknown architecture '{text}' (bert, roberta, gpt2)"),
    };

    internal static ModelSize ParseSize(string text) => text.ToLowerInvariant() switch
    {
        "tiny" => ModelSize.Tiny,
        "base" => ModelSize.Base,
        "large" => ModelSize.Large,
        _ => throw new UsageException($"unknown size '{text}' (tiny, base, large)"),
    };
}
