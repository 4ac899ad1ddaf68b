using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Pipeline;
using MlNetGraviton.Pipeline.Apply;
using MlNetGraviton.Runtime;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Cli.RealModels;

/// <summary>
/// Embeds a stream of texts in input order with constant memory: texts are read a window at a time, tokenized,
/// sorted by token count so each batch pads little, run through the pipeline's apply-transformer, and written back
/// in their original order before the next window is read.
/// </summary>
public sealed class EmbeddingJob : IDisposable
{
    private const string OutputColumn = "Embedding";
    private readonly MLContext _ml = new(seed: 1);
    private readonly TransformerTokenizer _tokenizer;
    private readonly ApplyTransformerTransformer _transformer;

    /// <param name="windowBatches">Batches per reorder window: more sorts better, costs window × dimension floats.</param>
    public EmbeddingJob(
        string modelFile, string vocabFile, bool lowerCase, int maxTokens, Pooling pooling, bool normalize,
        InferenceOptions options, int batchSize, int windowBatches = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBatches, 1);
        _tokenizer = TransformerTokenizer.CreateBert(vocabFile, lowerCase, maxTokens);
        BatchSize = batchSize;
        WindowRows = checked(batchSize * windowBatches);
        IDataView empty = _ml.Data.LoadFromEnumerable(Array.Empty<TokenRow>());
        _transformer = _ml.Transforms.ApplyTransformer(modelFile, OutputColumn, pooling, options: options, batchSize: batchSize, normalize: normalize)
            .Fit(empty);
    }

    public int Dimension => _transformer.OutputSize;

    public int BatchSize { get; }

    /// <summary>Rows held at once (the reorder window).</summary>
    public int WindowRows { get; }

    /// <summary>What the session has been fed so far (runs, rows, tokens, padded positions).</summary>
    public BatchTotals Totals => _transformer.Totals;

    /// <summary>The model output the job pools.</summary>
    public string ModelOutput => _transformer.ModelOutput;

    /// <summary>Engine, precision and threads of the session.</summary>
    public string SessionDescription => _transformer.SessionDescription;

    /// <summary>Embeds <paramref name="texts"/>, handing each vector to <paramref name="writeRow"/> in input order; returns the row count.</summary>
    public long Run(IEnumerable<string> texts, Action<ReadOnlySpan<float>> writeRow, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(writeRow);
        long done = 0;
        var window = new List<TokenRow>(WindowRows);
        var vectors = new float[WindowRows][];
        foreach (string text in texts)
        {
            window.Add(Tokenize(text, window.Count));
            if (window.Count == WindowRows)
            {
                done += Flush(window, vectors, writeRow);
                progress?.Invoke(done);
            }
        }

        if (window.Count > 0)
        {
            done += Flush(window, vectors, writeRow);
            progress?.Invoke(done);
        }

        return done;
    }

    public void Dispose() => _transformer.Dispose();

    private TokenRow Tokenize(string text, int slot)
    {
        int[] ids = _tokenizer.Encode(text);
        var row = new TokenRow { Slot = slot, InputIds = new long[ids.Length], AttentionMask = new long[ids.Length], TokenTypeIds = new long[ids.Length] };
        for (int i = 0; i < ids.Length; i++)
        {
            row.InputIds[i] = ids[i];
            row.AttentionMask[i] = 1;
        }
        return row;
    }

    private int Flush(List<TokenRow> window, float[][] vectors, Action<ReadOnlySpan<float>> writeRow)
    {
        // Longest first: the first batch shows the worst-case memory at once, and equal lengths keep input order.
        TokenRow[] sorted = window.OrderByDescending(r => r.InputIds.Length).ToArray();
        IDataView embedded = _transformer.Transform(_ml.Data.LoadFromEnumerable(sorted));
        using (DataViewRowCursor cursor = embedded.GetRowCursor(embedded.Schema.Where(c => c.Name is OutputColumn or nameof(TokenRow.Slot))))
        {
            ValueGetter<VBuffer<float>> vector = cursor.GetGetter<VBuffer<float>>(embedded.Schema[OutputColumn]);
            ValueGetter<int> slot = cursor.GetGetter<int>(embedded.Schema[nameof(TokenRow.Slot)]);
            VBuffer<float> buffer = default;
            int s = 0;
            while (cursor.MoveNext())
            {
                vector(ref buffer);
                slot(ref s);
                float[] target = vectors[s] ??= new float[Dimension];
                buffer.CopyTo(target);
            }
        }

        for (int i = 0; i < window.Count; i++)
            writeRow(vectors[i]);
        int count = window.Count;
        window.Clear();
        return count;
    }

    private sealed class TokenRow
    {
        public int Slot { get; set; }

        [ColumnName(TokenColumns.InputIds)]
        public long[] InputIds { get; set; } = [];

        [ColumnName(TokenColumns.AttentionMask)]
        public long[] AttentionMask { get; set; } = [];

        [ColumnName(TokenColumns.TokenTypeIds)]
        public long[] TokenTypeIds { get; set; } = [];
    }
}
