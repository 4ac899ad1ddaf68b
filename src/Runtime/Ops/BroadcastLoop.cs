namespace MlNetGraviton.Runtime.Ops;

/// <summary>
/// NumPy broadcasting of up to three inputs to one output, reduced to rows: adjacent dimensions that broadcast the
/// same way for every input are merged, so the work becomes <see cref="Rows"/> rows of <see cref="Inner"/> elements,
/// where each input either advances with the output (inner stride 1) or repeats one element (inner stride 0).
/// [B, S, H] + [H] is then B·S rows of H with the bias restarting each row.
/// </summary>
internal sealed class BroadcastLoop
{
    private readonly long[] _outerDims;      // merged dimensions except the innermost
    private readonly long[][] _outerStrides; // per input, element stride of each outer dimension (0 = broadcast)

    private BroadcastLoop(long[] outerDims, long[][] outerStrides, int inner, int[] innerStrides, int rows)
    {
        _outerDims = outerDims;
        _outerStrides = outerStrides;
        Inner = inner;
        InnerStrides = innerStrides;
        Rows = rows;
    }

    public int Rows { get; }

    public int Inner { get; }

    /// <summary>Per input: 1 when it advances along the row, 0 when one element is repeated.</summary>
    public int[] InnerStrides { get; }

    /// <summary>The broadcast shape of <paramref name="shapes"/>; an ArgumentException naming them when they do not broadcast.</summary>
    public static long[] Shape(params ReadOnlySpan<long[]> shapes)
    {
        int rank = 0;
        foreach (long[] s in shapes)
            rank = Math.Max(rank, s.Length);
        var result = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long dim = 1;
            foreach (long[] s in shapes)
            {
                int axis = i - (rank - s.Length);
                if (axis < 0)
                    continue;
                long d = s[axis];
                if (d == dim || d == 1)
                    continue;
                if (dim != 1)
                    throw new ArgumentException(
                        $"shapes {string.Join(" and ", shapes.ToArray().Select(x => Tensor.FormatShape(x)))} do not broadcast (dimension {i} is {dim} and {d})", "inputs");
                dim = d;
            }
            result[i] = dim;
        }
        return result;
    }

    /// <summary>Plans the loop of <paramref name="inputs"/> (each broadcastable to <paramref name="output"/>).</summary>
    public static BroadcastLoop Create(ReadOnlySpan<long> output, params ReadOnlySpan<long[]> inputs)
    {
        int n = inputs.Length, rank = output.Length;
        // Per output dimension (skipping size-1 dimensions, which move nothing): which inputs repeat along it.
        var dims = new List<long>(rank);
        var masks = new List<int>(rank);
        for (int i = 0; i < rank; i++)
        {
            if (output[i] == 1)
                continue;
            int mask = 0;
            for (int k = 0; k < n; k++)
            {
                int axis = i - (rank - inputs[k].Length);
                if (axis < 0 || inputs[k][axis] == 1)
                    mask |= 1 << k;
                else if (inputs[k][axis] != output[i])
                    throw new ArgumentException(
                        $"shape {Tensor.FormatShape(inputs[k])} does not broadcast to {Tensor.FormatShape(output)}", "inputs");
            }
            if (dims.Count > 0 && masks[^1] == mask)
                dims[^1] *= output[i];
            else
            {
                dims.Add(output[i]);
                masks.Add(mask);
            }
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            masks.Add(0);
        }

        int merged = dims.Count;
        var strides = new long[n][];
        for (int k = 0; k < n; k++)
        {
            strides[k] = new long[merged];
            long stride = 1;
            for (int d = merged - 1; d >= 0; d--)
            {
                bool repeats = (masks[d] & (1 << k)) != 0;
                strides[k][d] = repeats ? 0 : stride;
                if (!repeats)
                    stride *= dims[d];
            }
        }
        int inner = checked((int)dims[^1]);
        var innerStrides = new int[n];
        for (int k = 0; k < n; k++)
            innerStrides[k] = (int)strides[k][^1];
        long[] outerDims = dims.Take(merged - 1).ToArray();
        var outerStrides = strides.Select(s => s.Take(merged - 1).ToArray()).ToArray();
        long rows = 1;
        foreach (long d in outerDims)
            rows *= d;
        return new BroadcastLoop(outerDims, outerStrides, inner, innerStrides, checked((int)rows));
    }

    /// <summary>The element offset of row <paramref name="row"/> in input <paramref name="input"/>.</summary>
    public int Offset(int input, int row)
    {
        long offset = 0, rest = row;
        long[] strides = _outerStrides[input];
        for (int d = _outerDims.Length - 1; d >= 0; d--)
        {
            long dim = _outerDims[d];
            offset += rest % dim * strides[d];
            rest /= dim;
        }
        return (int)offset;
    }
}
