using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Pipeline.Mapping;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tokenize;

/// <summary>
/// Text column → <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>: variable-size Int64 vectors, or, with
/// fixed length, vectors of the tokenizer's MaxTokens padded on the right with its pad id and attention mask 0.
/// </summary>
internal sealed class TokenizeMapping : BatchedRowMapping
{
    // Row by row: tokenizing gains nothing from batches, and a downstream batch then pulls exactly its own rows.
    private const int RowsPerBatch = 1;

    private readonly TransformerTokenizer _tokenizer;
    private readonly DataViewSchema.Column _text;

    private readonly bool _fixedLength;

    public TokenizeMapping(DataViewSchema inputSchema, TransformerTokenizer tokenizer, string inputColumn, string outputPrefix, bool fixedLength)
        : base(inputSchema, RowsPerBatch)
    {
        _tokenizer = tokenizer;
        _fixedLength = fixedLength;
        _text = ColumnChecks.RequireText(inputSchema, inputColumn);
        AddedColumns = OutputColumns(outputPrefix, fixedLength ? tokenizer.MaxTokens : 0);
    }

    public override IReadOnlyList<DataViewSchema.Column> RequiredInputColumns => [_text];

    public override IReadOnlyList<(string Name, DataViewType Type)> AddedColumns { get; }

    /// <summary>The three token columns; <paramref name="fixedLength"/> 0 means variable-size vectors.</summary>
    public static (string Name, DataViewType Type)[] OutputColumns(string outputPrefix, int fixedLength)
    {
        var vector = new VectorDataViewType(NumberDataViewType.Int64, fixedLength);
        return
        [
            (outputPrefix + TokenColumns.InputIds, vector),
            (outputPrefix + TokenColumns.AttentionMask, vector),
            (outputPrefix + TokenColumns.TokenTypeIds, vector),
        ];
    }

    public override BatchProcessor CreateProcessor(DataViewRow input, int capacity)
        => new Processor(_tokenizer, input.GetGetter<ReadOnlyMemory<char>>(_text), capacity, _fixedLength);

    private sealed class Processor : BatchProcessor
    {
        private readonly TransformerTokenizer _tokenizer;
        private readonly ValueGetter<ReadOnlyMemory<char>> _text;
        private readonly string[] _texts;
        private readonly VectorOutputs<long>[] _outputs;
        private readonly bool _fixedLength;
        private ReadOnlyMemory<char> _scratch;

        public Processor(TransformerTokenizer tokenizer, ValueGetter<ReadOnlyMemory<char>> text, int capacity, bool fixedLength)
        {
            _tokenizer = tokenizer;
            _fixedLength = fixedLength;
            _text = text;
            _texts = new string[capacity];
            _outputs = [new(capacity), new(capacity), new(capacity)];
        }

        public override void ReadRow(int slot)
        {
            _text(ref _scratch);
            _texts[slot] = _scratch.ToString();
        }

        public override void Compute(int count)
        {
            for (var slot = 0; slot < count; slot++)
            {
                var ids = _tokenizer.Encode(_texts[slot]);
                var length = _fixedLength ? _tokenizer.MaxTokens : ids.Length;
                var inputIds = new long[length];
                var mask = new long[length];
                for (var t = 0; t < length; t++)
                {
                    inputIds[t] = t < ids.Length ? ids[t] : _tokenizer.PadId;
                    mask[t] = t < ids.Length ? 1L : 0L;
                }

                _outputs[0][slot] = inputIds;
                _outputs[1][slot] = mask;
                _outputs[2][slot] = new long[length];
            }
        }

        public override Delegate CreateGetter(int addedColumn, Func<int> currentSlot)
            => _outputs[addedColumn].CreateGetter(currentSlot);
    }
}
