using Microsoft.ML;

namespace MlNetGraviton.Pipeline.Tests;

public sealed class PipelineErrorTests(TinyModels models)
{
    [Fact]
    public void MissingTextColumnIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var estimator = ml.Transforms.Text.TokenizeForBert("Review", TinyModels.BertVocab);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains("'Review'", e.Message);
        Assert.Contains("String", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapeFactory.FromSchema(data.Schema)));
    }

    [Fact]
    public void WrongTextColumnTypeIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new NumberTextRow { Text = 1 }]);
        var estimator = ml.Transforms.Text.TokenizeForGpt2(nameof(NumberTextRow.Text));

        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(data));
        Assert.Contains("'Text'", e.Message);
        Assert.Contains("String", e.Message);
        Assert.Contains("Single", e.Message);
    }

    [Fact]
    public void WrongTokenColumnTypeIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new FloatTokensRow { input_ids = [101, 7592, 102], attention_mask = [1, 1, 1] }]);
        var estimator = ml.Transforms.ApplyTransformer(models.Bert);

        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(data));
        Assert.Contains("'input_ids'", e.Message);
        Assert.Contains("Int64", e.Message);
    }

    [Fact]
    public void MissingTokenTypeColumnForBertIsNamedAtFit()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var tokens = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab).Fit(data).Transform(data);
        var withoutTypes = ml.Transforms.DropColumns("token_type_ids").Fit(tokens).Transform(tokens);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ApplyTransformer(models.Bert).Fit(withoutTypes));
        Assert.Contains("'token_type_ids'", e.Message);
    }

    [Fact]
    public void MissingModelFileIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(models.Folder, "no-such-model.onnx");

        var e = Assert.Throws<FileNotFoundException>(() => ml.Transforms.ApplyTransformer(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingVocabFileIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(models.Folder, "no-such-vocab.txt");

        var e = Assert.Throws<FileNotFoundException>(() => ml.Transforms.Text.TokenizeForBert("Text", path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ModelWithoutRequestedOutputIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var tokens = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab).Fit(data).Transform(data);

        var e = Assert.Throws<InvalidOperationException>(
            () => ml.Transforms.ApplyTransformer(models.Bert, output: TransformerOutput.Logits).Fit(tokens));
        Assert.Contains("'logits'", e.Message);
        Assert.Contains(models.Bert, e.Message);
    }

    [Fact]
    public void Gpt2EmptyTextIsReportedWithItsRow()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "fine" }, new TextRow { Text = "" } });
        var model = ml.Transforms.Text.TokenizeForGpt2(nameof(TextRow.Text))
            .Append(ml.Transforms.ApplyTransformer(models.Gpt2)).Fit(data);

        var e = Assert.Throws<InvalidOperationException>(() => model.Transform(data).GetColumn<float[]>("Embedding").ToArray());
        Assert.Contains("Row 1", e.Message);
        Assert.Contains("attention_mask", e.Message);
    }

    [Fact]
    public void SaveIsRefusedClearly()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var model = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab).Fit(data);
        using var stream = new MemoryStream();

        var e = Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, data.Schema, stream));
        var notSupported = e as NotSupportedException ?? e.InnerException as NotSupportedException;
        Assert.NotNull(notSupported);
        Assert.Contains("cannot be saved yet", notSupported.Message);
    }
}
