using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Cli.RealModels;
using MlNetGraviton.Kernels;
using MlNetGraviton.Models;
using MlNetGraviton.Models.Catalog;
using MlNetGraviton.Pipeline;
using MlNetGraviton.Pipeline.Apply;
using MlNetGraviton.Runtime;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Cli.Commands;

/// <summary>
/// `demo`: CPU features; the real all-MiniLM-L6-v2 embeddings feeding an ML.NET trainer on the UCI sentiment sentences
/// (trained on amazon + yelp, evaluated on imdb) for each precision this build can serve, and a small semantic search;
/// then RoBERTa classification logits and GPT-2's next token on tiny random-weight graphs.
/// </summary>
internal static class DemoCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string>());
        InferenceOptions options = InferCommand.ParseOptions(cl);
        int rows = cl.Int("rows", 3000);
        cl.EnsureAllRead(0);
        if (rows < 6)
            throw new UsageException($"--rows must be at least 6 (sentences are taken evenly from amazon, imdb and yelp), got {rows}");

        var total = Stopwatch.StartNew();
        output.WriteLine("== CPU");
        CpuCommand.Print(output);

        output.WriteLine();
        RealSentiment(options, rows, output);

        output.WriteLine();
        output.WriteLine("== tiny random-weight models for the RoBERTa and GPT-2 paths (2 layers, hidden 64, 4 heads, real vocabulary sizes; seed 42)");
        string robertaPath = Build(TransformerConfig.Create(TransformerArchitecture.Roberta, ModelSize.Tiny, numLabels: 2), output);
        string gpt2Path = Build(TransformerConfig.Create(TransformerArchitecture.Gpt2, ModelSize.Tiny), output);

        output.WriteLine();
        RobertaLogits(robertaPath, options, output);
        output.WriteLine();
        Gpt2NextToken(gpt2Path, options, output);

        output.WriteLine();
        output.WriteLine($"demo: done in {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static string Build(TransformerConfig config, TextWriter output)
    {
        var sw = Stopwatch.StartNew();
        string path = ModelCache.GetOrBuild(config);
        output.WriteLine($"{config.Name,-24} {new FileInfo(path).Length / 1e6,6:F1} MB  {sw.Elapsed.TotalMilliseconds,6:F0} ms  {path}");
        return path;
    }

    private static readonly Precision[] DemoPrecisions = [Precision.Float32, Precision.Int8, Precision.BFloat16];

    private static readonly string[] SearchQueries = ["the battery died after a week", "a film with wonderful acting", "the waiter was rude"];

    private static void RealSentiment(InferenceOptions options, int rows, TextWriter output)
    {
        PretrainedModel model = PretrainedModelCatalog.AllMiniLmL6V2;
        output.WriteLine($"== {model.Name} ({model.HuggingFaceId}, from {model.PackageId} {model.PackageVersion}): " +
                         "embeddings -> ML.NET LbfgsLogisticRegression on the UCI sentiment sentences");
        PretrainedModelFiles files = PackagedModels.GetFiles(model, output);
        List<Sentence> sentences = DemoData.Balanced(DemoData.LoadSentences(), rows);
        int trainCount = sentences.Count(IsTrain);
        output.WriteLine($"train: amazon + yelp ({trainCount} sentences); test: imdb ({sentences.Count - trainCount} sentences): " +
                         "does sentiment learned on product and restaurant reviews carry over to film reviews?");

        float[][]? fp32 = null;
        double fp32Accuracy = 0;
        foreach (Precision precision in DemoPrecisions)
        {
            var ml = new MLContext(seed: 1);
            var embedOptions = new InferenceOptions { Engine = options.Engine, Precision = precision, Threads = options.Threads, Ort = options.Ort };
            TransformerChain<ApplyTransformerTransformer> embedder;
            try
            {
                embedder = SentenceEmbeddingPipeline.Create(ml, model, files, nameof(Sentence.Text), "Embedding", embedOptions)
                    .Fit(ml.Data.LoadFromEnumerable(sentences.Take(1)));
            }
            catch (NotSupportedException e)
            {
                output.WriteLine($"{Name(precision),-5} not available: {e.Message}");
                continue;
            }

            using TransformerChain<ApplyTransformerTransformer> disposeEmbedder = embedder;
            var sw = Stopwatch.StartNew();
            float[][] embeddings = ml.Data.CreateEnumerable<EmbeddedSentence>(embedder.Transform(ml.Data.LoadFromEnumerable(sentences)), reuseRowObject: false)
                .Select(r => r.Embedding).ToArray();
            double embedSeconds = sw.Elapsed.TotalSeconds;
            var labelled = sentences.Select((s, i) => new EmbeddedSentence { Label = s.Label, Source = s.Source, Text = s.Text, Embedding = embeddings[i] }).ToList();
            IDataView train = ml.Data.LoadFromEnumerable(labelled.Where(s => IsTrain(s.Source)));
            IDataView test = ml.Data.LoadFromEnumerable(labelled.Where(s => !IsTrain(s.Source)));
            var classifier = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(Sentence.Label), "Embedding").Fit(train);
            CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(classifier.Transform(test), nameof(Sentence.Label));
            string session = embedder.LastTransformer.SessionDescription;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name(precision),-5} accuracy {metrics.Accuracy:P1}  F1 {metrics.F1Score:F3}  AUC {metrics.AreaUnderRocCurve:F3}  " +
                $"embedded {sentences.Count} sentences in {embedSeconds:F1} s ({sentences.Count / embedSeconds:F0} rows/s)"));
            output.WriteLine($"      kernels: {session}");
            if (fp32 is null)
            {
                fp32 = embeddings;
                fp32Accuracy = metrics.Accuracy;
                PredictionEngineExamples(ml, embedder, classifier, output);
            }
            else
            {
                // The precision's cost in accuracy, row by row and downstream, on the same sentences.
                double[] cosines = embeddings.Select((e, i) => (double)System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(e, fp32[i])).ToArray();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"      vs fp32: embedding cosine mean {cosines.Average():F5}, min {cosines.Min():F5} over {cosines.Length} sentences; " +
                    $"accuracy {100 * (metrics.Accuracy - fp32Accuracy):+0.0;-0.0;0.0} points"));
            }
        }

        output.WriteLine("kernels available on this CPU:");
        foreach (string line in KernelReport.Describe(CpuFeatures.Current))
            output.WriteLine("  " + line);
        if (fp32 is not null)
        {
            output.WriteLine();
            SemanticSearch(sentences, fp32, model, files, options, output);
        }
    }

    private static void PredictionEngineExamples(MLContext ml, ITransformer embedder, ITransformer classifier, TextWriter output)
    {
        var engine = ml.Model.CreatePredictionEngine<Sentence, SentimentPrediction>(new TransformerChain<ITransformer>(embedder, classifier));
        foreach (string text in new[] { "This was a wonderful, delightful movie.", "Terrible service and cold food." })
        {
            SentimentPrediction p = engine.Predict(new Sentence { Text = text });
            output.WriteLine($"      PredictionEngine: \"{text}\" -> {(p.PredictedLabel ? "positive" : "negative")} (p={p.Probability:F2})");
        }
    }

    private static void SemanticSearch(List<Sentence> sentences, float[][] embeddings, PretrainedModel model, PretrainedModelFiles files, InferenceOptions options, TextWriter output)
    {
        output.WriteLine($"== semantic search: top 3 of the {sentences.Count} sentences by cosine ({model.Name}, unit vectors, so a dot product)");
        var ml = new MLContext(seed: 1);
        var fp32 = new InferenceOptions { Engine = options.Engine, Precision = Precision.Float32, Threads = options.Threads, Ort = options.Ort };
        using TransformerChain<ApplyTransformerTransformer> embedder = SentenceEmbeddingPipeline.Create(ml, model, files, nameof(Sentence.Text), "Embedding", fp32)
            .Fit(ml.Data.LoadFromEnumerable(sentences.Take(1)));
        var queries = SearchQueries.Select(q => new Sentence { Text = q }).ToArray();
        float[][] queryVectors = ml.Data.CreateEnumerable<EmbeddedSentence>(embedder.Transform(ml.Data.LoadFromEnumerable(queries)), reuseRowObject: false)
            .Select(r => r.Embedding).ToArray();
        for (int q = 0; q < queries.Length; q++)
        {
            output.WriteLine($"query \"{queries[q].Text}\"");
            var top = embeddings.Select((e, i) => (Score: Dot(queryVectors[q], e), Index: i)).OrderByDescending(t => t.Score).Take(3);
            foreach ((float score, int index) in top)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {score:F3}  [{sentences[index].Source}] {sentences[index].Text}"));
        }
    }

    private static float Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static bool IsTrain(Sentence s) => IsTrain(s.Source);

    private static bool IsTrain(string source) => source is "amazon" or "yelp";

    private static string Name(Precision precision) => precision switch
    {
        Precision.Float32 => "fp32",
        Precision.Int8 => "int8",
        Precision.BFloat16 => "bf16",
        _ => precision.ToString(),
    };

    private static void RobertaLogits(string modelPath, InferenceOptions options, TextWriter output)
    {
        output.WriteLine("== RoBERTa sequence-classification logits (2 labels)");
        var ml = new MLContext(seed: 1);
        var texts = new[] { new Sentence { Text = "I loved it." }, new Sentence { Text = "It broke after a day." } };
        var pipeline = ml.Transforms.Text.TokenizeForRoberta(nameof(Sentence.Text), DemoData.RobertaEncoderFile, DemoData.RobertaVocabBpeFile, DemoData.RobertaDictFile, maxTokens: 128)
            .Append(ml.Transforms.ApplyTransformer(modelPath, outputColumn: "Logits", output: TransformerOutput.Logits, options: options));
        IDataView data = ml.Data.LoadFromEnumerable(texts);
        ITransformer model = pipeline.Fit(data);
        var rows = ml.Data.CreateEnumerable<LogitsRow>(model.Transform(data), reuseRowObject: false).ToList();
        for (int i = 0; i < texts.Length; i++)
            output.WriteLine($"\"{texts[i].Text}\" -> logits [{string.Join(", ", rows[i].Logits.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]");
    }

    private static void Gpt2NextToken(string modelPath, InferenceOptions options, TextWriter output)
    {
        output.WriteLine("== GPT-2 next token (LM head tied to the embeddings)");
        var ml = new MLContext(seed: 1);
        const string prompt = "The quick brown fox jumps over the lazy";
        var pipeline = ml.Transforms.Text.TokenizeForGpt2(nameof(Sentence.Text), maxTokens: 64)
            .Append(ml.Transforms.ApplyTransformer(modelPath, outputColumn: "Logits", output: TransformerOutput.Logits, options: options));
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new Sentence { Text = prompt } });
        ITransformer model = pipeline.Fit(data);
        float[] logits = ml.Data.CreateEnumerable<LogitsRow>(model.Transform(data), reuseRowObject: false).Single().Logits;
        TransformerTokenizer tokenizer = TransformerTokenizer.CreateGpt2();
        var top = logits.Select((v, id) => (v, id)).OrderByDescending(t => t.v).Take(5).ToList();
        output.WriteLine($"prompt: \"{prompt}\"");
        output.WriteLine("top 5 next tokens: " + string.Join(", ", top.Select(t => $"{Quote(tokenizer.Inner.Decode([t.id]))} ({t.v:F3})")));
        output.WriteLine("(random weights: the tokens are arbitrary; the point is the path from text to next-token logits)");
    }

    private static string Quote(string s) => "\"" + s.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private sealed class SentimentPrediction
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
    }

    private sealed class EmbeddedSentence
    {
        public bool Label { get; set; }

        public string Source { get; set; } = "";

        public string Text { get; set; } = "";

        [VectorType(384)]
        public float[] Embedding { get; set; } = [];
    }

    private sealed class LogitsRow
    {
        public float[] Logits { get; set; } = [];
    }
}
