using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Pipeline.Mapping;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tokenize;

/// <summary>Text column → <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> (variable-size Int64 vectors).</summary>
internal sealed class TokenizeMapping : BatchedRowMapping
{
    // Row by row: tokenizing gains nothing from batches, and a downstream batch then pulls exactly its own rows.
    private const int RowsPerBatch = 1;

    private static readonly DataViewType TokenVector = new VectorDataViewType(NumberDataViewType.Int64);

    private readonly TransformerTokenizer _tokenizer;
    private readonly DataViewSchema.Column _text;

    public TokenizeMapping(DataViewSchema inputSchema, TransformerTokenizer tokenizer, string inputColumn, string outputPrefix)
        : base(inputSchema, RowsPerBatch)
    {
        _tokenizer = tokenizer;
        _text = ColumnChecks.RequireText(inputSchema, inputColumn);
        AddedColumns = OutputColumns(outputPrefix);
    }

    public override IReadOnlyList<DataViewSchema.Column> RequiredInputColumns => [_text];

    public override IReadOnlyList<(string Name, DataViewType Type)> AddedColumns { get; }

    public static (string Name, DataViewType Type)[] OutputColumns(string outputPrefix) =>
    [
        (outputPrefix + TokenColumns.InputIds, TokenVector),
        (outputPrefix + TokenColumns.AttentionMask, TokenVector),
        (outputPrefix + TokenColumns.TokenTypeIds, TokenVector),
    ];

    public override BatchProcessor CreateProcessor(DataViewRow input, int capacity)
        => new Processor(_tokenizer, input.GetGetter<ReadOnlyMemory<char>>(_text), capacity);

    private sealed class Processor : BatchProcessor
    {
        private readonly TransformerTokenizer _tokenizer;
        private readonly ValueGetter<ReadOnlyMemory<char>> _text;
        private readonly string[] _texts;
        private readonly VectorOutputs<long>[] _outputs;
        private ReadOnlyMemory<char> _scratch;

        public Processor(TransformerTokenizer tokenizer, ValueGetter<ReadOnlyMemory<char>> text, int capacity)
        {
            _tokenizer = tokenizer;
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
                var inputIds = new long[ids.Length];
                for (var t = 0; t < ids.Length; t++)
                {
                    inputIds[t] = ids[t];
                }

                var mask = new long[ids.Length];
                Array.Fill(mask, 1L);
                _outputs[0][slot] = inputIds;
                _outputs[1][slot] = mask;
                _outputs[2][slot] = new long[ids.Length];
            }
        }

        public override Delegate CreateGetter(int addedColumn, Func<int> currentSlot)
            => _outputs[addedColumn].CreateGetter(currentSlot);
    }
}
