using System.Numerics.Tensors;
using MlNetGraviton.Runtime.Graph;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// EmbedLayerNormalization (com.microsoft): LayerNorm(word[ids] + position[p] + segment[segment_ids])·gamma + beta per
/// token, with p = position_ids ([B, S] or [1, S]) or the token's index. Inputs: input_ids, segment_ids?, word_embedding,
/// position_embedding, segment_embedding?, gamma, beta, mask?, position_ids? (ids int32). Output 1, mask_index, is the
/// count of mask values equal to 1 per row (zeros without a mask), as ORT computes it; output 2 is the sum before the norm.
/// </summary>
internal sealed class EmbedLayerNormalizationKernel(float epsilon) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        foreach (var (index, name) in new[] { (0, "input_ids"), (2, "word_embedding"), (3, "position_embedding"), (5, "gamma"), (6, "beta") })
            if (!c.HasInput(index))
                throw new OnnxModelException($"node '{c.Node.Name}' (EmbedLayerNormalization) needs input {index} ({name}), which is missing");
        if (c.HasInput(1) != c.HasInput(4))
            throw new OnnxModelException($"node '{c.Node.Name}' (EmbedLayerNormalization): segment_ids (input 1) and segment_embedding (input 4) come together");
        return new EmbedLayerNormalizationKernel(c.Attributes.GetFloat("epsilon", 1e-12f));
    }

    public override void Run(OpContext context)
    {
        Tensor ids = context.Input(0), word = context.Input(2), position = context.Input(3), gamma = context.Input(5), beta = context.Input(6);
        Tensor? segmentIds = context.OptionalInput(1), segment = context.OptionalInput(4), mask = context.OptionalInput(7), positionIds = context.OptionalInput(8);
        RequireIds(ids, "input_ids", ids);
        int batch = (int)ids.Dimension(0), sequence = (int)ids.Dimension(1);
        RequireTable(word, "word_embedding");
        int hidden = (int)word.Dimension(1);
        RequireTable(position, "position_embedding", hidden);
        if (segment is not null)
            RequireTable(segment, "segment_embedding", hidden);
        foreach (var (t, name) in new[] { (gamma, "gamma"), (beta, "beta") })
            if (t.ElementType != TensorElementType.Float32 || t.Rank != 1 || t.ElementCount != hidden)
                throw new ArgumentException($"EmbedLayerNormalization: {name} must be float32 [{hidden}], got {t}", name);
        if (segmentIds is not null)
            RequireIds(segmentIds, "segment_ids", ids);
        if (mask is not null)
            RequireIds(mask, "mask", ids);
        if (positionIds is not null && (positionIds.ElementType != TensorElementType.Int32 || positionIds.Rank != 2
            || positionIds.Dimension(1) != sequence || (positionIds.Dimension(0) != 1 && positionIds.Dimension(0) != batch)))
            throw new ArgumentException($"EmbedLayerNormalization: position_ids must be int32 [{batch}, {sequence}] or [1, {sequence}], got {positionIds}", "position_ids");

        Tensor output = context.Output(0, TensorElementType.Float32, [batch, sequence, hidden]);
        Tensor? sum = context.WantsOutput(2) ? context.Output(2, TensorElementType.Float32, [batch, sequence, hidden]) : null;
        if (context.WantsOutput(1))
        {
            Span<int> maskIndex = context.Output(1, TensorElementType.Int32, [batch]).AsSpan<int>();
            ReadOnlySpan<int> m = mask is null ? default : mask.AsSpan<int>();
            for (int b = 0; b < batch; b++)
                maskIndex[b] = m.IsEmpty ? 0 : m.Slice(b * sequence, sequence).Count(1);
        }
        var task = new Tokens
        {
            Ids = (int[])ids.Data,
            SegmentIds = segmentIds is null ? null : (int[])segmentIds.Data,
            PositionIds = positionIds is null ? null : (int[])positionIds.Data,
            PositionIdsPerBatch = positionIds is not null && positionIds.Dimension(0) == batch,
            Word = (float[])word.Data,
            Position = (float[])position.Data,
            Segment = segment is null ? null : (float[])segment.Data,
            Gamma = (float[])gamma.Data,
            Beta = (float[])beta.Data,
            Output = (float[])output.Data,
            Sum = sum is null ? null : (float[])sum.Data,
            Sequence = sequence,
            Hidden = hidden,
            Epsilon = epsilon,
        };
        // Bad ids are found before any thread starts, so the error names the input and the value.
        task.Check();
        ParallelRows.For(ref task, batch * sequence, 4L * hidden, context.Threads);
    }

    private static void RequireIds(Tensor t, string name, Tensor ids)
    {
        if (t.ElementType != TensorElementType.Int32 || t.Rank != 2 || (!ReferenceEquals(t, ids) && !t.ShapeSpan().SequenceEqual(ids.ShapeSpan())))
            throw new ArgumentException($"EmbedLayerNormalization: {name} must be int32 [batch, sequence] like input_ids {ids}, got {t}", name);
    }

    private static void RequireTable(Tensor t, string name, int hidden = -1)
    {
        if (t.ElementType != TensorElementType.Float32 || t.Rank != 2 || (hidden >= 0 && t.Dimension(1) != hidden))
            throw new ArgumentException($"EmbedLayerNormalization: {name} must be float32 [rows, {(hidden >= 0 ? hidden : "hidden")}], got {t}", name);
    }

    private struct Tokens : IRowRangeTask
    {
        public int[] Ids;
        public int[]? SegmentIds, PositionIds;
        public bool PositionIdsPerBatch;
        public float[] Word, Position, Gamma, Beta, Output;
        public float[]? Segment, Sum;
        public int Sequence, Hidden;
        public float Epsilon;

        private readonly int PositionOf(int token) =>
            PositionIds is null ? token % Sequence : PositionIds[PositionIdsPerBatch ? token : token % Sequence];

        public readonly void Check()
        {
            for (int token = 0; token < Ids.Length; token++)
            {
                CheckIndex(Ids[token], Word.Length / Hidden, "input_ids", token);
                CheckIndex(PositionOf(token), Position.Length / Hidden, PositionIds is null ? "the sequence length (positions)" : "position_ids", token);
                if (SegmentIds is not null)
                    CheckIndex(SegmentIds[token], Segment!.Length / Hidden, "segment_ids", token);
            }
        }

        private static void CheckIndex(int index, int rows, string what, int token)
        {
            if (index < 0 || index >= rows)
                throw new ArgumentException($"EmbedLayerNormalization: {what} value {index} at token {token} is outside the table's {rows} rows", what);
        }

        public readonly void Run(int start, int end)
        {
            int n = Hidden;
            for (int token = start; token < end; token++)
            {
                Span<float> y = Output.AsSpan(token * n, n);
                TensorPrimitives.Add(Word.AsSpan(Ids[token] * n, n), Position.AsSpan(PositionOf(token) * n, n), y);
                if (SegmentIds is not null)
                    TensorPrimitives.Add(y, Segment.AsSpan(SegmentIds[token] * n, n), y);
                if (Sum is not null)
                    y.CopyTo(Sum.AsSpan(token * n, n));
                float mean = TensorPrimitives.Sum(y) / n;
                TensorPrimitives.Subtract(y, mean, y);
                float invStd = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(y) / n + Epsilon);
                TensorPrimitives.Multiply(y, invStd, y);
                TensorPrimitives.MultiplyAdd(y, Gamma, Beta, y);
            }
        }
    }
}
