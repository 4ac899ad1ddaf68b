using System.Diagnostics;
using System.Globalization;
using MlNetGraviton.Cli.RealModels;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Models.Catalog;
using MlNetGraviton.Pipeline;
using MlNetGraviton.Pipeline.Apply;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.Commands;

/// <summary>
/// `embed`: JSONL texts → float32 [rows, dim] .npy in input order, pooled and normalised as the catalog says
/// (or as --pooling/--normalize say for a model file). Streams: memory does not grow with the number of rows.
/// </summary>
internal static class EmbedCommand
{
    public const string Usage =
        "embed --model minilm|arctic-xs|FILE.onnx [--vocab FILE] --input texts.jsonl --output out.npy [--precision fp32|int8|bf16|auto]\n" +
        "      [--batch N] [--max-length N] [--threads N] [--pooling mean|cls] [--normalize] [--query] [--baseline-batches 1,8,32 [--rounds R]]";

    public static int Run(string[] args, TextWriter output, TextWriter progress)
    {
        var cl = new CommandLineArgs(args, new HashSet<string> { "normalize", "query" });
        string modelArg = cl.Required("model", "m");
        string? vocabArg = cl.Value("vocab");
        string input = cl.Required("input", "i");
        string outputPath = cl.Required("output", "o");
        InferenceOptions options = InferCommand.ParseOptions(cl);
        int batch = cl.Int("batch", 32, "b");
        int? maxLength = cl.Value("max-length") is null ? null : cl.Int("max-length", 0);
        string? poolingArg = cl.Value("pooling");
        bool normalizeFlag = cl.Flag("normalize");
        bool query = cl.Flag("query");
        int[] baselineBatches = (cl.Value("baseline-batches") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(b => int.TryParse(b, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
                ? n : throw new UsageException($"--baseline-batches takes positive integers separated by commas, got '{b}'"))
            .ToArray();
        int rounds = cl.Int("rounds", 1);
        cl.EnsureAllRead(0);

        if (rounds < 1)
            throw new UsageException($"--rounds must be at least 1, got {rounds}");
        if (rounds > 1 && baselineBatches.Length == 0)
            throw new UsageException("--rounds needs --baseline-batches (it repeats the comparison)");
        if (batch < 1)
            throw new UsageException($"--batch must be at least 1, got {batch}");
        if (maxLength is < 2)
            throw new UsageException($"--max-length must be at least 2 (room for [CLS] and [SEP]), got {maxLength}");
        Pooling? poolingOverride = poolingArg?.ToLowerInvariant() switch
        {
            null => null,
            "mean" => Pooling.Mean,
            "cls" => Pooling.Cls,
            _ => throw new UsageException($"unknown pooling '{poolingArg}' (mean, cls)"),
        };

        PretrainedModel? known = PretrainedModelCatalog.Find(modelArg);
        string modelFile, vocabFile, prefix = "";
        int maxTokens;
        Pooling pooling;
        bool normalize;
        if (known is not null)
        {
            PretrainedModelFiles files = PackagedModels.GetFiles(known, progress);
            modelFile = files.ModelFile;
            vocabFile = vocabArg ?? files.VocabFile;
            maxTokens = maxLength ?? known.MaxTokens;
            pooling = poolingOverride ?? SentenceEmbeddingPipeline.PoolingOf(known);
            normalize = known.Normalize || normalizeFlag;
            prefix = query ? known.QueryPrefix : "";
        }
        else
        {
            if (!modelArg.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && !File.Exists(modelArg))
                throw new UsageException(
                    $"--model '{modelArg}' is neither a known model ({string.Join(", ", PretrainedModelCatalog.All.SelectMany(m => m.Aliases.Prepend(m.Name)))}) nor an .onnx file");
            if (!File.Exists(modelArg))
                throw new FileNotFoundException($"model file not found: {modelArg}", modelArg);
            if (query)
                throw new UsageException("--query needs a catalog model (it prepends that model's query prefix)");
            if (baselineBatches.Length > 0)
                throw new UsageException("--baseline-batches needs a catalog model (it times that model's package encoder)");
            modelFile = modelArg;
            vocabFile = vocabArg ?? throw new UsageException("--vocab is required with a model file (the BERT WordPiece vocab.txt it was trained with)");
            maxTokens = maxLength ?? 512;
            pooling = poolingOverride ?? Pooling.Mean;
            normalize = normalizeFlag;
        }
        if (!File.Exists(vocabFile))
            throw new FileNotFoundException($"vocabulary file not found: {vocabFile}", vocabFile);

        IEnumerable<string> texts = JsonlTexts.Read(input);
        if (prefix.Length > 0)
            texts = texts.Select(t => prefix + t);

        using var job = new EmbeddingJob(modelFile, vocabFile, lowerCase: known?.LowerCase ?? true, maxTokens, pooling, normalize, options, batch);
        progress.WriteLine($"embed: {known?.Name ?? Path.GetFileName(modelFile)}, {job.SessionDescription}, batch {batch}, " +
                           $"max {maxTokens} tokens, {pooling.ToString().ToLowerInvariant()} pooling{(normalize ? " + L2" : "")}, reorder window {job.WindowRows} rows");

        PretrainedModel? measured = baselineBatches.Length > 0 ? known : null; // measurement mode: the catalog model to compare with
        BatchTotals warmedUp = default;
        if (measured is not null)
        {
            // Measurement mode times both engines alike: the package's encoder gets one untimed warm-up batch, so this job
            // gets one too (the first batch's texts, embedded and dropped) before its clock starts.
            job.Run(texts.Take(batch), _ => { });
            warmedUp = job.Totals;
            progress.WriteLine($"embed: one warm-up batch of {warmedUp.Rows} texts before timing, as the baseline gets");
        }

        var clock = Stopwatch.StartNew();
        long rows;
        bool completed = false;
        var writer = new NpyRowWriter(outputPath, job.Dimension);
        try
        {
            double lastReport = 0;
            rows = job.Run(texts, writer.WriteRow, done =>
            {
                double seconds = clock.Elapsed.TotalSeconds;
                if (seconds - lastReport < 2)
                    return;
                lastReport = seconds;
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embed: {done} rows, {done / seconds:F1} rows/s"));
            });
            if (rows == 0)
                throw new InvalidDataException($"input '{input}' has no texts (every line is blank)");
            writer.Complete();
            completed = true;
        }
        finally
        {
            writer.Dispose();
            if (!completed)
                File.Delete(outputPath);
        }

        double seconds = clock.Elapsed.TotalSeconds, rate = rows / seconds;
        if (measured is not null)
        {
            // Measurement mode: the arithmetic done and, for fp32, the FMA peak measured now on the same threads.
            BatchTotals totals = job.Totals.Since(warmedUp);
            ModelWork work = ModelWork.Of(modelFile, job.ModelOutput);
            double flops = work.Flops(totals.Positions, totals.PositionsTimesSequence);
            double attention = flops - work.Flops(totals.Positions, 0);
            string peak = "";
            if (options.Precision == Precision.Float32)
            {
                int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
                double gflops = SgemmPeak.MeasureGflops(threads);
                peak = string.Create(CultureInfo.InvariantCulture,
                    $"; {SgemmPeak.Description} peak on {threads} thread(s), measured now: {gflops:F1} GFLOP/s, so {flops / seconds / 1e9 / gflops:P1} of it");
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"work: {totals.Rows} rows, {totals.Tokens} tokens in {totals.Runs} runs padded to {totals.Positions} positions; " +
                $"{flops / 1e9:F1} GFLOP (attention {attention / 1e9:F1}) in {seconds:F2} s ({totals.SessionTime.TotalSeconds:F2} s in the session): " +
                $"{flops / seconds / 1e9:F1} GFLOP/s{peak}"));

            // Measurement mode: the same texts again (held in memory), through the package's own encoder, same threads.
            List<string> all = JsonlTexts.Read(input).Select(t => prefix + t).ToList();
            IReadOnlyList<(int Batch, double RowsPerSecond)> baseline = PackageEncoderBaseline.Measure(measured, all, options.Threads, baselineBatches);
            foreach ((int b, double r) in baseline)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline: {measured.PackageId} {measured.PackageVersion} SentenceEncoder.Encode batch {b}: {r:F1} rows/s"));
            static (double Ours, int BestBatch, double Best) Round(double ours, IReadOnlyList<(int Batch, double RowsPerSecond)> theirs)
            {
                (int b, double r) = theirs.MaxBy(x => x.RowsPerSecond);
                return (ours, b, r);
            }
            var results = new List<(double Ours, int BestBatch, double Best)> { Round(rate, baseline) };
            for (int round = 2; round <= rounds; round++)
            {
                // Further rounds alternate the two engines again on the same texts (the job's vectors are dropped), so a
                // slow spell of a shared machine weighs on both; the ratio line below is the round with the median ratio.
                var again = Stopwatch.StartNew();
                long count = job.Run(all, _ => { });
                double ours = count / again.Elapsed.TotalSeconds;
                results.Add(Round(ours, PackageEncoderBaseline.Measure(measured, all, options.Threads, baselineBatches)));
            }
            if (rounds > 1)
            {
                string perRound = string.Join("; ", results.Select(x =>
                    string.Create(CultureInfo.InvariantCulture, $"{x.Ours:F1} / {x.Best:F1} rows/s = {x.Ours / x.Best:F2}x")));
                output.WriteLine($"rounds: {rounds}, each embed then SentenceEncoder.Encode: {perRound}");
            }
            (double medianOurs, int bestBatch, double best) = results.OrderBy(x => x.Ours / x.Best).ElementAt((results.Count - 1) / 2);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio: embed {medianOurs:F1} rows/s / SentenceEncoder.Encode at its best batch ({bestBatch}) {best:F1} rows/s = {medianOurs / best:F2}x, threads {(options.Threads > 0 ? options.Threads.ToString(CultureInfo.InvariantCulture) : "default")}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embed: {rows} rows, dim {job.Dimension}, {rate:F1} rows/s"));
        return 0;
    }
}
