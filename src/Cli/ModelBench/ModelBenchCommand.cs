using System.Diagnostics;
using System.Globalization;
using MlNetGraviton.Cli.RealModels;
using MlNetGraviton.Kernels;
using MlNetGraviton.Models;
using MlNetGraviton.Models.Catalog;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>
/// `bench model`: ONNX Runtime's transformers benchmark, side by side for our engine, ONNX Runtime and ML.NET.
/// Engines are interleaved run by run so machine noise hits them alike; warm-up runs are not timed.
/// </summary>
internal static class ModelBenchCommand
{
    private static readonly string[] DefaultModels = ["bert-base-cased", "bert-large-uncased", "roberta-base", "gpt2"];
    private static readonly int[] DefaultSequences = [8, 16, 32, 64, 128, 256];


    public static int Run(string[] args, TextWriter output, TextWriter progress)
    {
        var cl = new CommandLineArgs(args, new HashSet<string> { "quick", "no-chart", "profile" });
        IReadOnlyList<string> modelFiles = cl.Values("model-file");
        IReadOnlyList<string> models = cl.Values("models", "m");
        IReadOnlyList<string> precisions = Lower(cl.Values("precision", "p"));
        IReadOnlyList<int> batches = Ints(cl.Values("batch-size", "b"), "batch-size");
        IReadOnlyList<int> sequences = Ints(cl.Values("sequence-length", "s"), "sequence-length");
        bool quick = cl.Flag("quick");
        int? runs = cl.Value("runs", "t") is { } r ? ParseInt(r, "runs") : null;
        int warmup = cl.Int("warmup", 5);
        int threads = cl.Int("threads", PhysicalCores());
        IReadOnlyList<string> engines = Lower(cl.Values("engines", "e"));
        string csv = cl.Value("csv") ?? Path.Combine("bench-results", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".csv");
        bool chart = !cl.Flag("no-chart");
        bool profile = cl.Flag("profile");
        int seed = cl.Int("seed", 42);
        cl.EnsureAllRead(0);

        if (models.Count == 0 && modelFiles.Count == 0)
            models = DefaultModels;
        precisions = precisions.Count == 0 ? ["fp32"] : precisions;
        batches = batches.Count == 0 ? [1] : batches;
        sequences = sequences.Count == 0 ? DefaultSequences : sequences;
        engines = engines.Count == 0 ? ["graviton", "ort", "mlnet"] : engines;
        foreach (string p in precisions)
        {
            if (p is not ("fp32" or "int8" or "bf16"))
                throw new UsageException($"unknown precision '{p}' (fp32, int8, bf16)");
        }
        foreach (string e in engines)
        {
            if (e is not ("graviton" or "ort" or "mlnet"))
                throw new UsageException($"unknown engine '{e}' (graviton, ort, mlnet)");
        }
        if (batches.Any(b => b < 1) || sequences.Any(s => s < 1) || threads < 1 || warmup < 0 || runs is < 1)
            throw new UsageException("batch sizes, sequence lengths, threads and runs must be positive (warmup >= 0)");

        var targets = new List<(string Name, string Path, TransformerConfig? Config, int? Vocab)>();
        foreach (string name in models)
        {
            TransformerConfig config;
            try
            {
                config = TransformerConfig.FromName(name);
            }
            catch (ArgumentException e)
            {
                // The real pretrained models of the catalog (all-MiniLM-L6-v2, arctic-embed-xs), from their packages.
                if (PretrainedModelCatalog.Find(name) is { } pretrained)
                {
                    PretrainedModelFiles files = PackagedModels.GetFiles(pretrained, progress);
                    progress.WriteLine($"bench: {pretrained.Name} ready: {files.ModelFile}");
                    // Random ids over the whole vocabulary: ids below 1000 are BERT's untrained [unused] rows.
                    targets.Add((pretrained.Name, files.ModelFile, null, File.ReadLines(files.VocabFile).Count()));
                    continue;
                }
                throw new UsageException($"unknown model '{name}': {e.Message} Real models: {string.Join(", ", PretrainedModelCatalog.All.Select(m => m.Name))}.");
            }
            var sw = Stopwatch.StartNew();
            progress.WriteLine($"bench: preparing {name} (built once into the model cache)...");
            string path = ModelCache.GetOrBuild(config, seed);
            progress.WriteLine($"bench: {name} ready in {sw.Elapsed.TotalSeconds:F1} s: {path}");
            targets.Add((name, path, config, null));
        }
        foreach (string file in modelFiles)
        {
            if (!File.Exists(file))
                throw new FileNotFoundException($"model file not found: {file}", file);
            targets.Add((Path.GetFileNameWithoutExtension(file), file, null, null));
        }

        string cpu = $"{CpuFeatures.Detected.ModelName} [{string.Join(' ', CpuFeatures.Current.EnabledFeatureNames())}]";
        var results = new List<BenchResult>();
        var unavailable = new SortedSet<string>(StringComparer.Ordinal);
        int cells = targets.Count * precisions.Count * batches.Count * sequences.Count, cell = 0;
        var total = Stopwatch.StartNew();
        foreach (var target in targets)
        {
            foreach (string precision in precisions)
            {
                // Every engine of an int8 cell runs the same quantized graph (ORT's quantize_dynamic pattern).
                string modelPath = precision == "int8"
                    ? QuantizedBenchModel.GetOrCreate(target.Path, CpuFeatures.Current, progress)
                    : target.Path;
                foreach (int batch in batches)
                {
                    foreach (int seq in sequences)
                    {
                        cell++;
                        int n = runs ?? DefaultRuns(quick, target.Config);
                        double budget = quick && runs is null ? QuickSecondsPerEngine : 0;
                        BenchCase c = MakeCase(target.Name, modelPath, precision, batch, seq, threads, target.Config, target.Vocab, seed);
                        string label = $"[{cell}/{cells}] {target.Name} {precision} b={batch} s={seq}";
                        results.AddRange(MeasureCell(c, engines, n, budget, warmup, cpu, label, progress, unavailable, profile));
                    }
                }
            }
        }

        BenchCsv.Write(csv, results);
        output.WriteLine();
        BenchSummary.Print(output, results);
        foreach (string reason in unavailable)
            output.WriteLine($"unavailable: {reason}");
        output.WriteLine($"csv: {csv}");
        if (chart && results.Count > 0)
        {
            foreach (string png in BenchChart.Write(csv, results))
                output.WriteLine($"chart: {png}");
        }
        output.WriteLine($"bench model: {results.Count} results in {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// <summary>
    /// ORT's benchmark runs 100 times. The quick preset runs at most 30 (10 for large models), fewer where the slowest
    /// engine's last warm-up run says 3 s would not hold them (at least 5), so the four-model table fits in 20 minutes.
    /// </summary>
    private static int DefaultRuns(bool quick, TransformerConfig? config)
    {
        if (!quick)
            return 100;
        return config?.Size == ModelSize.Large ? 10 : 30;
    }

    /// <summary>The quick preset's budget: about this many seconds of timed runs per engine and cell, at least <see cref="QuickMinRuns"/> runs.</summary>
    private const double QuickSecondsPerEngine = 3.0;

    private const int QuickMinRuns = 5;

    private static List<BenchResult> MeasureCell(BenchCase c, IReadOnlyList<string> engineNames, int runs, double secondsPerEngine, int warmup, string cpu,
        string label, TextWriter progress, ISet<string> unavailable, bool profile)
    {
        var engines = new List<IBenchEngine>();
        try
        {
            foreach (string name in engineNames)
            {
                try
                {
                    engines.Add(name switch
                    {
                        "graviton" => new GravitonBenchEngine(c),
                        "ort" => new OrtBenchEngine(c),
                        _ => new MlNetBenchEngine(c),
                    });
                }
                catch (EngineUnavailableException e)
                {
                    unavailable.Add($"{name} {c.Precision}: {e.Message}");
                }
            }
            if (engines.Count == 0)
            {
                progress.WriteLine($"{label}: no engine can run this cell");
                return [];
            }
            double slowest = 0;
            foreach (IBenchEngine engine in engines)
            {
                for (int i = 0; i < warmup; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    engine.RunOnce();
                    if (i == warmup - 1)
                        slowest = Math.Max(slowest, Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
                if (profile && engine is GravitonBenchEngine graviton)
                    graviton.StartProfiling();
            }
            if (secondsPerEngine > 0 && slowest > 0)
                runs = Math.Clamp((int)(secondsPerEngine / slowest), Math.Min(QuickMinRuns, runs), runs);
            var times = engines.Select(_ => new List<double>(runs)).ToArray();
            var sw = new Stopwatch();
            var lastReport = Stopwatch.StartNew();
            // graviton and ORT take turns run by run, so machine noise hits both alike. ML.NET's ApplyOnnxModel runs in a
            // block of its own afterwards: it cannot turn ORT's spinning off and allocates its outputs per prediction
            // (large-object-heap GCs), and interleaved it slowed the engines after it by up to a quarter.
            int[][] blocks = new[]
            {
                Enumerable.Range(0, engines.Count).Where(e => engines[e] is not MlNetBenchEngine).ToArray(),
                Enumerable.Range(0, engines.Count).Where(e => engines[e] is MlNetBenchEngine).ToArray(),
            }.Where(block => block.Length > 0).ToArray();
            int done = 0, total = runs * blocks.Length;
            foreach (int[] block in blocks)
            {
                for (int run = 0; run < runs; run++)
                {
                    // Rotate the starting engine each round so none always runs right after another's cache footprint.
                    for (int j = 0; j < block.Length; j++)
                    {
                        int e = block[(run + j) % block.Length];
                        sw.Restart();
                        engines[e].RunOnce();
                        sw.Stop();
                        times[e].Add(sw.Elapsed.TotalSeconds);
                    }
                    done++;
                    if (lastReport.Elapsed.TotalSeconds >= 2 || done == total)
                    {
                        progress.WriteLine($"{label} run {done}/{total}");
                        lastReport.Restart();
                    }
                }
            }
            if (engines.Any(e => e is MlNetBenchEngine))
            {
                GC.Collect(); // leave the next cell a clean heap
                GC.WaitForPendingFinalizers();
            }
            var results = new List<BenchResult>();
            for (int e = 0; e < engines.Count; e++)
            {
                IBenchEngine engine = engines[e];
                results.Add(new BenchResult(engine.Name, engine.Version, engine.Providers, c.Precision, engine.Optimizer, c.ModelName,
                    c.Inputs.Count, c.Threads, c.BatchSize, c.SequenceLength, LatencyStats.From(times[e], c.BatchSize), cpu, engine.Kernel));
            }
            progress.WriteLine($"{label}: " + string.Join("  ", results.Select(r => $"{r.Engine} {LatencyStats.F2(r.Stats.Qps)} QPS")));
            foreach (IBenchEngine engine in engines)
            {
                if (engine is GravitonBenchEngine { ProfileSummary: { } summary })
                    progress.WriteLine($"{label}: graviton time per op type (timed runs; the timestamps add a little)\n{summary}");
            }
            return results;
        }
        finally
        {
            foreach (IBenchEngine engine in engines)
                engine.Dispose();
        }
    }

    /// <summary>All the graph's inputs: random token ids (fixed seed), attention mask all ones, token types zero.</summary>
    private static BenchCase MakeCase(string name, string path, string precision, int batch, int seq, int threads, TransformerConfig? config, int? vocabSize, int seed)
    {
        using var probe = new OrtBackendSession(path, new OrtBackendOptions { GraphOptimizationLevel = GraphOptimization.Disable });
        int vocab = config?.VocabSize ?? vocabSize ?? 1000;
        var random = new Random(seed + seq);
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (TensorInfo info in probe.Inputs)
        {
            if (info.ElementType != TensorElementType.Int64 || info.Rank != 2)
                throw new InvalidOperationException($"{path}: input {info.Name} is {info.ElementType} {info.FormatDims()}; bench model feeds int64 [batch, sequence] token inputs");
            var values = new long[batch * seq];
            if (info.Name == "input_ids")
            {
                for (int i = 0; i < values.Length; i++)
                    values[i] = random.Next(3, vocab);
            }
            else if (info.Name == "attention_mask")
            {
                Array.Fill(values, 1L);
            }
            inputs[info.Name] = Tensor.Create(values, batch, seq);
        }
        if (config is not null && seq > config.MaxPositions)
            throw new UsageException($"{name}: sequence length {seq} exceeds its {config.MaxPositions} positions");
        string outputName = probe.Outputs.Any(o => o.Name == "logits") && config?.Architecture == TransformerArchitecture.Gpt2
            ? "logits"
            : probe.Outputs.Any(o => o.Name == "last_hidden_state") ? "last_hidden_state" : probe.Outputs[0].Name;
        return new BenchCase(name, path, precision, batch, seq, threads, inputs, outputName);
    }

    /// <summary>ORT's benchmark default: threads = physical cores (logical cores when the OS does not say).</summary>
    private static int PhysicalCores()
    {
        try
        {
            var cores = new HashSet<string>(StringComparer.Ordinal);
            string physical = "", core = "";
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("physical id", StringComparison.Ordinal))
                    physical = line[(line.IndexOf(':') + 1)..].Trim();
                else if (line.StartsWith("core id", StringComparison.Ordinal))
                    core = line[(line.IndexOf(':') + 1)..].Trim();
                else if (line.Length == 0 && core.Length > 0)
                {
                    cores.Add(physical + "/" + core);
                    core = "";
                }
            }
            if (core.Length > 0)
                cores.Add(physical + "/" + core);
            return cores.Count > 0 ? cores.Count : Environment.ProcessorCount;
        }
        catch (IOException)
        {
            return Environment.ProcessorCount;
        }
    }

    private static List<string> Lower(IReadOnlyList<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(v => v.ToLowerInvariant()).ToList();

    private static List<int> Ints(IReadOnlyList<string> values, string option) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(v => ParseInt(v, option)).ToList();

    private static int ParseInt(string text, string option) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new UsageException($"option --{option} expects integers, got '{text}'");
}
