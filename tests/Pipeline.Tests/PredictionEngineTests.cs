using Microsoft.ML;

namespace MlNetGraviton.Pipeline.Tests;

public sealed class PredictionEngineTests(TinyModels models)
{
    [Fact]
    public void OneRowAtATimeEqualsBatchedTransform()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var model = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert, batchSize: 32))
            .Fit(data);
        var batched = model.Transform(data).GetColumn<float[]>("Embedding").ToArray();

        var engine = ml.Model.CreatePredictionEngine<TextRow, EmbeddingRow>(model);

        for (var i = 0; i < Texts.Labelled.Length; i++)
        {
            var single = engine.Predict(Texts.Labelled[i]).Embedding;
            DirectReference.AssertClose(batched[i], single, 1e-5);
        }
    }

    [Fact]
    public void PredictionEngineFeedsATrainer()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var model = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(TextRow.Label), "Embedding"))
            .Fit(data);
        var batched = model.Transform(data).GetColumn<float>("Probability").ToArray();

        var engine = ml.Model.CreatePredictionEngine<TextRow, LabelledPrediction>(model);

        for (var i = 0; i < Texts.Labelled.Length; i++)
        {
            Assert.Equal(batched[i], engine.Predict(Texts.Labelled[i]).Probability, 1e-5);
        }
    }
}
