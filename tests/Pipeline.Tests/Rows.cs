using Microsoft.ML.Data;

namespace MlNetGraviton.Pipeline.Tests;

public sealed class TextRow
{
    public string Text { get; set; } = "";

    public bool Label { get; set; }
}

public sealed class EmbeddingRow
{
    [VectorType]
    public float[] Embedding { get; set; } = [];
}

public sealed class LabelledPrediction
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }
}

public sealed class NumberTextRow
{
    public float Text { get; set; }
}

public sealed class FloatTokensRow
{
    [VectorType(3)]
    public float[] input_ids { get; set; } = [];

    [VectorType(3)]
    public long[] attention_mask { get; set; } = [];
}
