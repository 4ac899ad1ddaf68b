using Microsoft.ML;

namespace MlNetGraviton.Pipeline.Tests;

public sealed class StreamingTests(TinyModels models)
{
    [Fact]
    public void TransformPullsInputRowsOneBatchAtATime()
    {
        var ml = new MLContext(seed: 1);
        var source = new CountingDataView(ml.Data.LoadFromEnumerable(Texts.Labelled));
        var model = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert, batchSize: 4))
            .Fit(source);

        var output = model.Transform(source);
        Assert.Equal(0, source.RowsPulled);

        using var cursor = output.GetRowCursor(output.Schema);
        var embedding = cursor.GetGetter<VBuffer<float>>(output.Schema["Embedding"]);
        Assert.True(cursor.MoveNext());
        VBuffer<float> value = default;
        embedding(ref value);
        Assert.Equal(4, source.RowsPulled);
        Assert.Equal(64, value.Length);
    }

    [Fact]
    public void PassThroughColumnsStayAlignedAcrossBatches()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var model = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert, batchSize: 3))
            .Fit(data);
        var output = model.Transform(data);

        var texts = output.GetColumn<string>(nameof(TextRow.Text)).ToArray();
        var labels = output.GetColumn<bool>(nameof(TextRow.Label)).ToArray();
        var ids = output.GetColumn<long[]>("input_ids").ToArray();
        var perRow = ml.Model.CreatePredictionEngine<TextRow, EmbeddingRow>(model);
        var embeddings = output.GetColumn<float[]>("Embedding").ToArray();

        Assert.Equal(Texts.Labelled.Select(t => t.Text), texts);
        Assert.Equal(Texts.Labelled.Select(t => t.Label), labels);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(101, ids[i][0]);
            DirectReference.AssertClose(perRow.Predict(Texts.Labelled[i]).Embedding, embeddings[i], 1e-5);
        }
    }
}
