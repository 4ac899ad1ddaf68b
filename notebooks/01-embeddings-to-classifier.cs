#:project ../src/Pipeline/MlNetGraviton.Pipeline.csproj
#:project ../src/Models/MlNetGraviton.Models.csproj
#:property PublishAot=false
// Walkthrough: tokenize text for BERT, run a transformer inside an ML.NET pipeline, train a classifier on its
// embeddings, then score single rows with a PredictionEngine. Run it with `dotnet run notebooks/01-embeddings-to-classifier.cs`.
// The model is a tiny BERT with random weights built on the spot (no download): the point is the plumbing.
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Models;
using MlNetGraviton.Pipeline;
using MlNetGraviton.Runtime;

string root = FindRepositoryRoot();
string vocab = Path.Combine(root, "data", "vocab", "bert-base-uncased", "vocab.txt");
string sentences = Path.Combine(root, "data", "sentiment", "uci-sentiment-sentences.tsv");

// 1. A BERT graph as a Hugging Face export writes it (input_ids, attention_mask, token_type_ids -> last_hidden_state).
string model = ModelCache.GetOrBuild(TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny));
Console.WriteLine($"model: {model}");

// 2. Data: the UCI sentiment sentences (label, source, text).
var ml = new MLContext(seed: 1);
var rows = File.ReadLines(sentences).Skip(1).Select(l => l.Split('\t', 3))
    .Select(p => new Review { Label = p[0] == "1", Text = p[2] }).Take(600).ToList();
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.25, seed: 1);

// 3. The pipeline: tokenizer -> transformer (mean pooled) -> logistic regression.
var pipeline = ml.Transforms.Text.TokenizeForBert(nameof(Review.Text), vocab, maxTokens: 64)
    .Append(ml.Transforms.ApplyTransformer(model, outputColumn: "Embedding", pooling: Pooling.Mean,
            options: new InferenceOptions { Engine = InferenceEngine.OnnxRuntime }))
    .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(Review.Label), "Embedding"));
ITransformer trained = pipeline.Fit(split.TrainSet);
var metrics = ml.BinaryClassification.Evaluate(trained.Transform(split.TestSet), nameof(Review.Label));
Console.WriteLine($"accuracy on {rows.Count / 4} held-out rows: {metrics.Accuracy:P1} (random-weight model)");

// 4. One row at a time.
var engine = ml.Model.CreatePredictionEngine<Review, Prediction>(trained);
var p = engine.Predict(new Review { Text = "The food was great." });
Console.WriteLine($"\"The food was great.\" -> {(p.PredictedLabel ? "positive" : "negative")} (p={p.Probability:F2})");
if (float.IsNaN(p.Probability))
    throw new InvalidOperationException("the pipeline produced NaN");
Console.WriteLine("notebook: ok");

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "MlNetGraviton.sln")))
            return dir.FullName;
    }
    throw new DirectoryNotFoundException("run this from inside the MlNetGraviton repository");
}

public sealed class Review
{
    public string Text { get; set; } = "";
    public bool Label { get; set; }
}

public sealed class Prediction
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
}
