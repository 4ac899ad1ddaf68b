using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Runtime;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tests.Tokenize;

public sealed class FixedLengthTokenizeTests(TinyModels models) : IClassFixture<TinyModels>
{
    private const int MaxTokens = 16;

    private sealed class TokenRow
    {
        public long[] input_ids { get; set; } = [];
        public long[] attention_mask { get; set; } = [];
        public long[] token_type_ids { get; set; } = [];
    }

    [Fact]
    public void FixedLengthColumnsArePaddedCopiesOfTheVariableOnes()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        IDataView fixedRows = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab, MaxTokens, fixedLength: true).Fit(data).Transform(data);
        IDataView variableRows = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab, MaxTokens).Fit(data).Transform(data);

        var type = Assert.IsType<VectorDataViewType>(fixedRows.Schema["input_ids"].Type);
        Assert.Equal(MaxTokens, type.Size);
        Assert.Equal(0, Assert.IsType<VectorDataViewType>(variableRows.Schema["input_ids"].Type).Size);

        var fixedList = ml.Data.CreateEnumerable<TokenRow>(fixedRows, reuseRowObject: false).ToList();
        var variableList = ml.Data.CreateEnumerable<TokenRow>(variableRows, reuseRowObject: false).ToList();
        Assert.Equal(variableList.Count, fixedList.Count);
        long pad = TransformerTokenizer.CreateBert(TinyModels.BertVocab, maxTokens: MaxTokens).PadId;
        for (int r = 0; r < fixedList.Count; r++)
        {
            TokenRow f = fixedList[r], v = variableList[r];
            int n = v.input_ids.Length;
            Assert.Equal(MaxTokens, f.input_ids.Length);
            Assert.Equal(v.input_ids, f.input_ids[..n]);
            Assert.All(f.input_ids[n..], id => Assert.Equal(pad, id));
            Assert.Equal(Enumerable.Repeat(1L, n).Concat(Enumerable.Repeat(0L, MaxTokens - n)), f.attention_mask);
            Assert.All(f.token_type_ids, t => Assert.Equal(0L, t));
        }
    }

    [Fact]
    public void FixedLengthTokensGiveTheSameEmbeddings()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var options = new InferenceOptions { Engine = InferenceEngine.OnnxRuntime, Threads = 1 };
        float[][] Embed(bool fixedLength) => ml.Data.CreateEnumerable<EmbeddingRow>(
                ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab, MaxTokens, fixedLength: fixedLength)
                    .Append(ml.Transforms.ApplyTransformer(models.Bert, outputColumn: "Embedding", pooling: Pooling.Mean, options: options))
                    .Fit(data).Transform(data), reuseRowObject: false)
            .Select(r => r.Embedding).ToArray();

        float[][] padded = Embed(true), variable = Embed(false);
        Assert.Equal(variable.Length, padded.Length);
        for (int r = 0; r < variable.Length; r++)
        {
            for (int i = 0; i < variable[r].Length; i++)
                Assert.True(Math.Abs(variable[r][i] - padded[r][i]) <= 1e-5f + 1e-4f * Math.Abs(variable[r][i]), $"row {r} element {i}: {variable[r][i]} vs {padded[r][i]}");
        }
    }
}
