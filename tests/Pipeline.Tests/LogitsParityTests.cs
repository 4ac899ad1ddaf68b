using Microsoft.ML;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tests;

public sealed class LogitsParityTests(TinyModels models)
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void RobertaClassificationLogitsEqualDirectSession()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var pipeline = ml.Transforms.Text
            .TokenizeForRoberta(nameof(TextRow.Text), TinyModels.RobertaEncoder, TinyModels.RobertaMerges, TinyModels.RobertaDict)
            .Append(ml.Transforms.ApplyTransformer(models.Roberta, outputColumn: "Logits", output: TransformerOutput.Logits, batchSize: 6));

        var logits = pipeline.Fit(data).Transform(data).GetColumn<float[]>("Logits").ToArray();

        var tokenizer = TransformerTokenizer.CreateRoberta(TinyModels.RobertaEncoder, TinyModels.RobertaMerges, TinyModels.RobertaDict, maxTokens: 128);
        using var reference = new DirectReference(models.Roberta, tokenizer);
        for (var i = 0; i < logits.Length; i++)
        {
            var (expected, shape, _) = reference.Run(Texts.Labelled[i].Text, "logits");
            Assert.Equal([1, 2], shape);
            DirectReference.AssertClose(expected, logits[i], Tolerance);
        }
    }

    [Fact]
    public void Gpt2NextTokenLogitsEqualDirectSessionAtLastToken()
    {
        var ml = new MLContext(seed: 1);
        var texts = Texts.Labelled.Take(6).ToArray();
        var data = ml.Data.LoadFromEnumerable(texts);
        var pipeline = ml.Transforms.Text.TokenizeForGpt2(nameof(TextRow.Text))
            .Append(ml.Transforms.ApplyTransformer(models.Gpt2, outputColumn: "NextToken", output: TransformerOutput.Logits, batchSize: 4));

        var logits = pipeline.Fit(data).Transform(data).GetColumn<float[]>("NextToken").ToArray();

        using var reference = new DirectReference(models.Gpt2, TransformerTokenizer.CreateGpt2(maxTokens: 128));
        for (var i = 0; i < logits.Length; i++)
        {
            Assert.Equal(50257, logits[i].Length);
            DirectReference.AssertClose(reference.TokenState(texts[i].Text, "logits", tokens => tokens - 1), logits[i], Tolerance);
        }
    }
}
