using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Pipeline.Mapping;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Pipeline.Apply;

/// <summary>
/// Token columns → one float vector column: rows are padded to the longest row of their batch
/// (attention mask 0 on padding), run through the session, and the chosen output is pooled per row.
/// When streaming, a window of <see cref="WindowBatches"/> batches is read at once and cut into batches of rows of
/// similar length (longest first), so a batch pads little; rows still come out in input order.
/// </summary>
internal sealed class ApplyTransformerMapping : BatchedRowMapping
{
    // Caps one session run's per-token output (e.g. GPT-2 logits [rows, sequence, 50257]) at 64M floats.
    private const long MaxPerTokenOutputElements = 64L * 1024 * 1024;

    /// <summary>Batches per reordering window when streaming.</summary>
    internal const int WindowBatches = 8;

    private readonly ApplyTransformerTransformer _owner;
    private readonly DataViewSchema.Column[] _graphInputColumns;
    private readonly DataViewSchema.Column _maskColumn;

    public ApplyTransformerMapping(DataViewSchema inputSchema, ApplyTransformerTransformer owner)
        : base(inputSchema, owner.BatchSize)
    {
        _owner = owner;
        _graphInputColumns = owner.Signature.Inputs
            .Select(i => ColumnChecks.RequireInt64Vector(inputSchema, owner.InputPrefix + i.Name))
            .ToArray();
        _maskColumn = ColumnChecks.RequireInt64Vector(inputSchema, owner.InputPrefix + TokenColumns.AttentionMask);
        RequiredInputColumns = _graphInputColumns.Append(_maskColumn).DistinctBy(c => c.Index).ToArray();
        AddedColumns = [(owner.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, owner.Signature.Width))];
    }

    public override IReadOnlyList<DataViewSchema.Column> RequiredInputColumns { get; }

    public override IReadOnlyList<(string Name, DataViewType Type)> AddedColumns { get; }

    public override int RowsPerCompute => (int)Math.Min(int.MaxValue / 2, (long)BatchSize * WindowBatches);

    public override BatchProcessor CreateProcessor(DataViewRow input, int capacity) => new Processor(this, input, capacity);

    private sealed class Processor : BatchProcessor
    {
        private readonly ApplyTransformerMapping _mapping;
        private readonly DataViewRow _input;
        private readonly ValueGetter<VBuffer<long>>[] _inputGetters;
        private readonly ValueGetter<VBuffer<long>> _maskGetter;
        private readonly long[][][] _inputValues;
        private readonly long[][] _masks;
        private readonly long[] _positions;
        private readonly VectorOutputs<float> _outputs;
        private readonly int[] _order;
        private VBuffer<long> _scratch;

        public Processor(ApplyTransformerMapping mapping, DataViewRow input, int capacity)
        {
            _mapping = mapping;
            _input = input;
            _inputGetters = mapping._graphInputColumns.Select(c => input.GetGetter<VBuffer<long>>(c)).ToArray();
            _maskGetter = input.GetGetter<VBuffer<long>>(mapping._maskColumn);
            _inputValues = _inputGetters.Select(_ => new long[capacity][]).ToArray();
            _masks = new long[capacity][];
            _positions = new long[capacity];
            _outputs = new VectorOutputs<float>(capacity);
            _order = new int[capacity];
        }

        private ModelSignature Signature => _mapping._owner.Signature;

        public override void ReadRow(int slot)
        {
            _positions[slot] = _input.Position;
            _masks[slot] = ReadDense(_maskGetter);
            for (var i = 0; i < _inputGetters.Length; i++)
            {
                var values = ReadDense(_inputGetters[i]);
                if (values.Length != _masks[slot].Length)
                {
                    throw new InvalidOperationException(
                        $"Row {_input.Position}: column '{_mapping._graphInputColumns[i].Name}' has {values.Length} tokens but " +
                        $"'{_mapping._maskColumn.Name}' has {_masks[slot].Length}; token columns must have equal lengths.");
                }

                _inputValues[i][slot] = values;
            }

            if (_masks[slot].Length == 0)
            {
                throw new InvalidOperationException(
                    $"Row {_input.Position}: column '{_mapping._maskColumn.Name}' is empty; the text encoded to no tokens.");
            }
        }

        public override void Compute(int count)
        {
            // Slots by token count, longest first (stable), then batches of BatchSize along that order.
            for (var i = 0; i < count; i++)
            {
                _order[i] = i;
            }

            var masks = _masks;
            Array.Sort(_order, 0, count, Comparer<int>.Create((x, y) => masks[y].Length != masks[x].Length
                ? masks[y].Length.CompareTo(masks[x].Length) : x.CompareTo(y)));
            var batch = _mapping.BatchSize;
            var start = 0;
            while (start < count)
            {
                var rows = Math.Min(batch, count - start);
                if (Signature.PerToken)
                {
                    var sequence = _masks[_order[start]].Length; // the longest of its batch
                    rows = (int)Math.Clamp(MaxPerTokenOutputElements / ((long)sequence * Signature.Width), 1, rows);
                }

                Run(_order.AsSpan(start, rows));
                start += rows;
            }
        }

        public override Delegate CreateGetter(int addedColumn, Func<int> currentSlot) => _outputs.CreateGetter(currentSlot);

        private void Run(ReadOnlySpan<int> slots)
        {
            var rows = slots.Length;
            var sequence = 0;
            long tokens = 0;
            foreach (var s in slots)
            {
                sequence = Math.Max(sequence, _masks[s].Length);
                tokens += _masks[s].Length;
            }

            var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            for (var i = 0; i < Signature.Inputs.Count; i++)
            {
                feeds[Signature.Inputs[i].Name] = Padded(Signature.Inputs[i].ElementType, _inputValues[i], slots, sequence);
            }

            var session = _mapping._owner.Session;
            var started = Stopwatch.GetTimestamp();
            var outputs = session.Run(feeds, [Signature.Output.Name]);
            _mapping._owner.Count(rows, tokens, sequence, Stopwatch.GetElapsedTime(started));
            try
            {
                Store(outputs[Signature.Output.Name], slots, rows, sequence);
            }
            finally
            {
                // The rows are copied out (pooled or reduced): the buffers go back for the next batch.
                session.ReturnOutputs(outputs);
            }
        }

        private void Store(Tensor output, ReadOnlySpan<int> slots, int rows, int sequence)
        {
            var expected = Signature.PerToken ? new long[] { rows, sequence, Signature.Width } : [rows, Signature.Width];
            if (output.ElementType != TensorElementType.Float32 || !output.Shape.AsSpan().SequenceEqual(expected))
            {
                throw new InvalidOperationException(
                    $"Model '{_mapping._owner.ModelFile}' returned '{Signature.Output.Name}' as {output}; expected Float32 {Tensor.FormatShape(expected)}.");
            }

            var values = output.AsSpan<float>();
            var rowSize = Signature.PerToken ? sequence * Signature.Width : Signature.Width;
            for (var r = 0; r < rows; r++)
            {
                var slot = slots[r];
                var vector = Reduce(values.Slice(r * rowSize, rowSize), slot, sequence);
                if (_mapping._owner.Normalize)
                {
                    L2Normalization.Apply(vector);
                }

                _outputs[slot] = vector;
            }
        }

        private float[] Reduce(ReadOnlySpan<float> row, int slot, int sequence)
        {
            var width = Signature.Width;
            if (!Signature.PerToken)
            {
                return row.ToArray();
            }

            // Padding of the batch beyond this row's own tokens is masked like the row's own zeros.
            var mask = new long[sequence];
            _masks[slot].CopyTo(mask, 0);
            var pooling = Signature.Output.Name == ModelSignature.Logits ? Pooling.LastToken : _mapping._owner.Pooling;
            var result = new float[width];
            switch (pooling)
            {
                case Pooling.Cls:
                    row[..width].CopyTo(result);
                    return result;
                case Pooling.LastToken:
                    var last = TokenPooling.LastAttended(mask);
                    if (last < 0)
                    {
                        throw NoAttendedTokens(slot);
                    }

                    row.Slice(last * width, width).CopyTo(result);
                    return result;
                default:
                    return TokenPooling.TryMean(row, mask, width, result) ? result : throw NoAttendedTokens(slot);
            }
        }

        private InvalidOperationException NoAttendedTokens(int slot)
            => new($"Row {_positions[slot]}: column '{_mapping._maskColumn.Name}' has no token with mask 1, so there is nothing to pool.");

        private long[] ReadDense(ValueGetter<VBuffer<long>> getter)
        {
            getter(ref _scratch);
            var values = new long[_scratch.Length];
            _scratch.CopyTo(values);
            return values;
        }

        // Right padding with id 0 and mask 0: masked keys get no attention weight and, under GPT-2's causal mask,
        // later positions cannot change earlier ones, so real tokens' states do not depend on the batch.
        private static Tensor Padded(TensorElementType type, long[][] rowsValues, ReadOnlySpan<int> slots, int sequence)
        {
            var rows = slots.Length;
            if (type == TensorElementType.Int64)
            {
                var data = new long[rows * sequence];
                for (var r = 0; r < rows; r++)
                {
                    rowsValues[slots[r]].CopyTo(data, r * sequence);
                }

                return Tensor.Create(data, rows, sequence);
            }

            var narrow = new int[rows * sequence];
            for (var r = 0; r < rows; r++)
            {
                var source = rowsValues[slots[r]];
                for (var t = 0; t < source.Length; t++)
                {
                    narrow[r * sequence + t] = checked((int)source[t]);
                }
            }

            return Tensor.Create(narrow, rows, sequence);
        }
    }
}
