namespace MlNetGraviton.Runtime.Ops;

/// <summary>
/// Which kernels exist, keyed by (domain, op type) and the opset range whose semantics each one implements.
/// The standard registry holds the ONNX ops; contrib domains (com.microsoft) register into the same table.
/// </summary>
internal sealed class OpRegistry
{
    /// <summary>The newest opset of the default domain whose semantics the standard kernels were written against.</summary>
    public const int MaxOnnxOpset = 21;

    private readonly Dictionary<(string Domain, string OpType), List<OpRegistration>> _entries = [];

    public static OpRegistry Standard { get; } =
        Fused.FusedOps.Register(Quantized.QuantizedOps.Register(Contrib.ContribOps.Register(StandardOps.Create())));

    /// <summary>Registers <paramref name="factory"/> for opsets <paramref name="since"/>..<paramref name="until"/> (inclusive).</summary>
    public OpRegistry Add(string domain, string opType, int since, int until, OpFactory factory)
    {
        if (!_entries.TryGetValue((domain, opType), out List<OpRegistration>? list))
            _entries[(domain, opType)] = list = [];
        foreach (OpRegistration r in list)
            if (since <= r.Until && r.Since <= until)
                throw new InvalidOperationException($"{opType} ({domain}) opsets {since}..{until} overlap {r.Since}..{r.Until}");
        list.Add(new OpRegistration(domain, opType, since, until, factory));
        return this;
    }

    /// <summary>Shorthand for the default ONNX domain.</summary>
    public OpRegistry Onnx(string opType, int since, OpFactory factory, int until = MaxOnnxOpset) => Add("", opType, since, until, factory);

    public bool TryGet(string domain, string opType, long opset, out OpFactory factory)
    {
        factory = null!;
        if (!_entries.TryGetValue((domain, opType), out List<OpRegistration>? list))
            return false;
        foreach (OpRegistration r in list)
            if (opset >= r.Since && opset <= r.Until)
            {
                factory = r.Factory;
                return true;
            }
        return false;
    }

    /// <summary>The opset ranges registered for an op, for error messages ("supported for opsets 13..21").</summary>
    public IReadOnlyList<OpRegistration> RangesOf(string domain, string opType) =>
        _entries.TryGetValue((domain, opType), out List<OpRegistration>? list) ? list : [];

    public IEnumerable<OpRegistration> All => _entries.Values.SelectMany(l => l);
}

/// <summary>One kernel's registration: which op, which opsets.</summary>
internal sealed record OpRegistration(string Domain, string OpType, int Since, int Until, OpFactory Factory);
