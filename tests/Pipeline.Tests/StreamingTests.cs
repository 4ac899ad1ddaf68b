using Microsoft.ML;

namespace MlNetGraviton.Pipeline.Tests;

public sealed class StreamingTests(TinyModels models)
{
    [Fact]
    public void TransformPullsInputRowsOneWindowOfBatchesAtATime()
    {
        var ml = new MLContext(seed: 1);
        var many = Enumerable.Range(0, 20).SelectMany(_ => Texts.Labelled).ToArray();
        var source = new CountingDataView(ml.Data.LoadFromEnumerable(many));
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
        // One window: the batches it is regrouped into by length; not the whole input.
        Assert.Equal(4 * MlNetGraviton.Pipeline.Apply.ApplyTransformerMapping.WindowBatches, source.RowsPulled);
        Assert.True(source.RowsPulled < many.Length);
        Assert.Equal(64, value.Length);
    }

    [Fact]
    public void Rows_regrouped_by_length_come_out_in_input_order_with_their_own_embeddings()
    {
        // Texts of very different lengths in one window: batches form by length, outputs must still match the input
        // row by row (each row's embedding equal to that row alone through the PredictionEngine).
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 23)
            .Select(i => new TextRow { Text = string.Join(' ', Enumerable.Repeat(i % 2 == 0 ? "good" : "battery life", 1 + (i * 7) % 11)), Label = i % 3 == 0 })
            .ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert, batchSize: 2))
            .Fit(data);
        var output = model.Transform(data);
        var texts = output.GetColumn<string>(nameof(TextRow.Text)).ToArray();
        var embeddings = output.GetColumn<float[]>("Embedding").ToArray();
        var perRow = ml.Model.CreatePredictionEngine<TextRow, EmbeddingRow>(model);
        Assert.Equal(rows.Select(r => r.Text), texts);
        for (var i = 0; i < rows.Length; i++)
        {
            var alone = perRow.Predict(rows[i]).Embedding;
            for (var j = 0; j < alone.Length; j++)
            {
                Assert.True(MathF.Abs(alone[j] - embeddings[i][j]) <= 1e-4f * MathF.Max(1f, MathF.Abs(alone[j])), $"row {i} element {j}: {embeddings[i][j]} vs {alone[j]}");
            }
        }
    }

    [Fact]
    public void Totals_count_the_runs_rows_tokens_and_padded_positions_of_the_batches()
    {
        // 23 rows of 1–11 repeated words in batches of 2: the session sees each window of rows longest first, each batch
        // padded to its longest row. The expected counts come from the tokenizer's own lengths, sorted and paired here.
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 23)
            .Select(i => new TextRow { Text = string.Join(' ', Enumerable.Repeat(i % 2 == 0 ? "good" : "battery life", 1 + (i * 7) % 11)) })
            .ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var tokenize = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab);
        var window = 2 * MlNetGraviton.Pipeline.Apply.ApplyTransformerMapping.WindowBatches;
        var lengths = tokenize.Fit(data).Transform(data).GetColumn<long[]>("input_ids").Select(ids => (long)ids.Length).ToArray();
        var model = tokenize.Append(ml.Transforms.ApplyTransformer(models.Bert, batchSize: 2)).Fit(data);
        Assert.Equal(default, model.LastTransformer.Totals);

        Assert.Equal(rows.Length, model.Transform(data).GetColumn<float[]>("Embedding").Count());

        var totals = model.LastTransformer.Totals;
        // Batches form within each window of input rows (sorted there), so a window's last batch may be short.
        var batches = lengths.Chunk(window).SelectMany(w => w.OrderByDescending(n => n).Chunk(2)).ToArray();
        Assert.True(rows.Length > window, "the rows span more than one window");
        Assert.Equal(batches.Length, totals.Runs);
        Assert.Equal(rows.Length, totals.Rows);
        Assert.Equal(lengths.Sum(), totals.Tokens);
        Assert.Equal(batches.Sum(b => b.Length * b[0]), totals.Positions);
        Assert.Equal(batches.Sum(b => b.Length * b[0] * b[0]), totals.PositionsTimesSequence);
        Assert.True(totals.Positions > totals.Tokens, "rows of different lengths share batches, so some positions are padding");
        Assert.True(totals.SessionTime > TimeSpan.Zero);
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
