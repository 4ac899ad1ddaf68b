using Microsoft.ML;
using MlNetGraviton.Pipeline.Mapping;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Pipeline.Apply;

/// <summary>
/// Runs a transformer ONNX model over the token columns and adds one float vector column
/// (pooled embedding or logits). Owns its inference session: dispose it when done.
/// </summary>
public sealed class ApplyTransformerTransformer : BatchedMappingTransformer, IDisposable
{
    internal ApplyTransformerTransformer(
        string modelFile, string outputColumn, Pooling pooling, TransformerOutput output,
        InferenceOptions options, int batchSize, string inputPrefix, bool normalize = false)
    {
        ModelFile = ApplyTransformerEstimator.RequireModelFile(modelFile);
        OutputColumn = outputColumn;
        Pooling = pooling;
        Output = output;
        BatchSize = batchSize;
        InputPrefix = inputPrefix;
        Normalize = normalize;
        Session = InferenceSessionFactory.Create(modelFile, options);
        try
        {
            Signature = ModelSignature.Read(Session, modelFile, output);
        }
        catch
        {
            Session.Dispose();
            throw;
        }
    }

    public string ModelFile { get; }

    public string OutputColumn { get; }

    public Pooling Pooling { get; }

    public TransformerOutput Output { get; }

    /// <summary>True when each output vector is scaled to unit L2 norm after pooling (sentence-transformers' Normalize).</summary>
    public bool Normalize { get; }

    /// <summary>Rows per session run when streaming through <c>Transform</c>.</summary>
    public int BatchSize { get; }

    /// <summary>Prefix of the token column names (as given to the tokenize estimator).</summary>
    public string InputPrefix { get; }

    /// <summary>Length of the output vector (hidden size, labels or vocabulary).</summary>
    public int OutputSize => Signature.Width;

    /// <summary>The model output this transformer reads (e.g. last_hidden_state, sentence_embedding or logits).</summary>
    public string ModelOutput => Signature.Output.Name;

    /// <summary>Engine, precision and threads of the session, for logs.</summary>
    public string SessionDescription => Session.Description;

    /// <summary>
    /// What the session has been fed so far through <c>Transform</c>: runs, rows, real tokens, and the padded positions
    /// Σ rows·S and Σ rows·S² of its batches (S = the batch's longest row), the counts <see cref="ModelWork.Flops"/> takes,
    /// and the time spent inside the session's Run (the rest of a Transform is padding, pooling and the IDataView).
    /// </summary>
    public BatchTotals Totals
    {
        get
        {
            lock (_totalsLock)
                return _totals;
        }
    }

    internal IInferenceSession Session { get; }

    private readonly object _totalsLock = new();
    private BatchTotals _totals;

    internal void Count(int rows, long tokens, int sequence, TimeSpan sessionTime)
    {
        lock (_totalsLock)
        {
            _totals = new BatchTotals(_totals.Runs + 1, _totals.Rows + rows, _totals.Tokens + tokens,
                _totals.Positions + (long)rows * sequence, _totals.PositionsTimesSequence + (long)rows * sequence * sequence,
                _totals.SessionTime + sessionTime);
        }
    }

    internal ModelSignature Signature { get; }

    public void Dispose() => Session.Dispose();

    private protected override BatchedRowMapping Bind(DataViewSchema inputSchema) => new ApplyTransformerMapping(inputSchema, this);
}

/// <summary>Batches an <see cref="ApplyTransformerTransformer"/> has run: see <see cref="ApplyTransformerTransformer.Totals"/>.</summary>
public readonly record struct BatchTotals(long Runs, long Rows, long Tokens, long Positions, long PositionsTimesSequence, TimeSpan SessionTime)
{
    /// <summary>What was run after <paramref name="earlier"/>, a snapshot of the same transformer's totals.</summary>
    public BatchTotals Since(BatchTotals earlier) => new(Runs - earlier.Runs, Rows - earlier.Rows, Tokens - earlier.Tokens,
        Positions - earlier.Positions, PositionsTimesSequence - earlier.PositionsTimesSequence, SessionTime - earlier.SessionTime);
}
