using Microsoft.ML;

namespace MlNetGraviton.Pipeline.Tests;

public sealed class TrainerTests(TinyModels models)
{
    [Fact]
    public void LogisticRegressionTrainsOnStreamedEmbeddingsAndPredicts()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var pipeline = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert, batchSize: 8))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(TextRow.Label), "Embedding"));

        var model = pipeline.Fit(data);
        var scored = model.Transform(data);

        // Random tiny weights: no accuracy claim, only that training ran and every row got a probability.
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        var labels = scored.GetColumn<bool>(nameof(TextRow.Label)).ToArray();
        Assert.Equal(Texts.Labelled.Length, probabilities.Length);
        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(Texts.Labelled.Select(t => t.Label), labels);
        var metrics = ml.BinaryClassification.Evaluate(scored, nameof(TextRow.Label));
        Assert.InRange(metrics.Accuracy, 0, 1);
    }
}
