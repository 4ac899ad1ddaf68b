namespace MlNetGraviton.Runtime.Conformance;

/// <summary>
/// How close a float output must be to ONNX's expected one: |actual - expected| &lt;= atol + rtol·|expected|, as
/// numpy.testing.assert_allclose checks it in ONNX's backend tests (defaults rtol 1e-3, atol 1e-7). Integer and bool
/// outputs are compared exactly. An op gets looser bounds only here, each with the reason.
/// </summary>
public readonly record struct ConformanceTolerance(double Rtol, double Atol)
{
    /// <summary>ONNX's backend test defaults.</summary>
    public static ConformanceTolerance Default { get; } = new(1e-3, 1e-7);

    private static readonly Dictionary<string, ConformanceTolerance> PerOp = new(StringComparer.Ordinal)
    {
    };

    /// <summary>The bounds for the tests of <paramref name="op"/>.</summary>
    public static ConformanceTolerance For(string op) => PerOp.TryGetValue(op, out ConformanceTolerance t) ? t : Default;

    public bool Accepts(double actual, double expected)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
            return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual))
            return actual == expected;
        return Math.Abs(actual - expected) <= Atol + Rtol * Math.Abs(expected);
    }
}
