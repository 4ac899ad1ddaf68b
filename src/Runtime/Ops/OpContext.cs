using MlNetGraviton.Runtime.Execution;

namespace MlNetGraviton.Runtime.Ops;

/// <summary>
/// A kernel's view of one node during one run: its inputs, where its outputs go, the pooled buffers and the thread
/// budget. One context per run, re-pointed at each node, so runs share nothing mutable.
/// </summary>
internal sealed class OpContext
{
    private readonly Tensor?[] _values;
    private readonly TensorPool _pool;
    private readonly HashSet<Array> _rented;
    private int[] _inputs = [];
    private int[] _outputs = [];

    public OpContext(Tensor?[] values, TensorPool pool, HashSet<Array> rented, int threads)
    {
        _values = values;
        _pool = pool;
        _rented = rented;
        Threads = threads;
    }

    /// <summary>Intra-op threads the kernel may use.</summary>
    public int Threads { get; }

    /// <summary>Bytes of pool arrays this run holds now (rented by <see cref="Output"/>, less <see cref="Released"/> ones).</summary>
    internal long LiveBytes { get; private set; }

    /// <summary>The most <see cref="LiveBytes"/> has been during this run.</summary>
    internal long PeakBytes { get; private set; }

    /// <summary>The run gave a pool array of <paramref name="type"/> back.</summary>
    internal void Released(TensorElementType type, Array data) => LiveBytes -= TensorPool.Bytes(type, data.Length);

    internal void Point(int[] inputs, int[] outputs)
    {
        _inputs = inputs;
        _outputs = outputs;
    }

    public int InputCount => _inputs.Length;

    public bool HasInput(int index) => index < _inputs.Length && _inputs[index] >= 0;

    public Tensor Input(int index) =>
        HasInput(index) ? _values[_inputs[index]]! : throw new ArgumentException($"input {index} is missing", "inputs");

    public Tensor? OptionalInput(int index) => HasInput(index) ? _values[_inputs[index]] : null;

    public int OutputCount => _outputs.Length;

    /// <summary>True when output <paramref name="index"/> is wired to a value (optional outputs may be left out).</summary>
    public bool WantsOutput(int index) => index < _outputs.Length && _outputs[index] >= 0;

    /// <summary>A new output tensor from the pool. Its contents are garbage: the kernel must write every element.</summary>
    public Tensor Output(int index, TensorElementType type, ReadOnlySpan<long> shape)
    {
        long count = Tensor.ElementCountOf(shape);
        if (count * type.SizeInBytes() > int.MaxValue)
            throw new ArgumentException($"output {index} of shape {Tensor.FormatShape(shape)} is over 2 GiB", "shape");
        Array data = _pool.Rent(type, (int)count);
        _rented.Add(data);
        LiveBytes += TensorPool.Bytes(type, (int)count);
        PeakBytes = Math.Max(PeakBytes, LiveBytes);
        Tensor t = TensorViews.Wrap(type, data, shape);
        if (WantsOutput(index))
            _values[_outputs[index]] = t;
        return t;
    }

    /// <summary>Sets an output that reuses an input's buffer (Reshape, Identity): no copy.</summary>
    public void SetOutput(int index, Tensor tensor)
    {
        if (WantsOutput(index))
            _values[_outputs[index]] = tensor;
    }
}
