using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Models;
using MlNetGraviton.Pipeline;
using MlNetGraviton.Runtime;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Cli.Commands;

/// <summary>
/// `demo`: the whole path on tiny random-weight graphs: CPU features, BERT embeddings feeding an ML.NET
/// trainer on the UCI sentiment sentences, RoBERTa classification logits and GPT-2's next token.
/// </summary>
internal static class DemoCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string>());
        InferenceOptions options = InferCommand.ParseOptions(cl);
        int rows = cl.Int("rows", 3000);
        cl.EnsureAllRead(0);

        var total = Stopwatch.StartNew();
        output.WriteLine("== CPU");
        CpuCommand.Print(output);

        output.WriteLine();
        output.WriteLine("== models (tiny: 2 layers, hidden 64, 4 heads, real vocabulary sizes; random weights, seed 42)");
        string bertPath = Build(TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny), output);
        string robertaPath = Build(TransformerConfig.Create(TransformerArchitecture.Roberta, ModelSize.Tiny, numLabels: 2), output);
        string gpt2Path = Build(TransformerConfig.Create(TransformerArchitecture.Gpt2, ModelSize.Tiny), output);

        output.WriteLine();
        BertSentiment(bertPath, options, rows, output);
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

    private static void BertSentiment(string modelPath, InferenceOptions options, int rows, TextWriter output)
    {
        output.WriteLine("== BERT mean-pooled embeddings -> ML.NET LbfgsLogisticRegression (UCI sentiment sentences)");
        var ml = new MLContext(seed: 1);
        List<Sentence> sentences = DemoData.LoadSentences().Take(rows).ToList();
        IDataView all = ml.Data.LoadFromEnumerable(sentences);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);

        var pipeline = ml.Transforms.Text.TokenizeForBert(nameof(Sentence.Text), DemoData.BertVocabFile, maxTokens: 128)
            .Append(ml.Transforms.ApplyTransformer(modelPath, outputColumn: "Embedding", pooling: Pooling.Mean, options: options))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(Sentence.Label), "Embedding"));
        var sw = Stopwatch.StartNew();
        ITransformer model = pipeline.Fit(split.TrainSet);
        double fitSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet), nameof(Sentence.Label));
        double evalSeconds = sw.Elapsed.TotalSeconds;
        output.WriteLine($"rows: {sentences.Count} (80% train, 20% test); fit {fitSeconds:F1} s, evaluate {evalSeconds:F1} s");
        output.WriteLine($"accuracy: {metrics.Accuracy:P1}  AUC: {metrics.AreaUnderRocCurve:F3}  F1: {metrics.F1Score:F3}");
        output.WriteLine("(random weights: the embedding is little more than a hashed bag of words; a pretrained model does far better)");

        var engine = ml.Model.CreatePredictionEngine<Sentence, SentimentPrediction>(model);
        foreach (string text in new[] { "This was a wonderful, delightful movie.", "Terrible service and cold food." })
        {
            SentimentPrediction p = engine.Predict(new Sentence { Text = text });
            output.WriteLine($"PredictionEngine: \"{text}\" -> {(p.PredictedLabel ? "positive" : "negative")} (p={p.Probability:F2})");
        }
    }

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

    private sealed class LogitsRow
    {
        public float[] Logits { get; set; } = [];
    }
}
