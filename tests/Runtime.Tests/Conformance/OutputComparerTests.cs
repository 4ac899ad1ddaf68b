using MlNetGraviton.Runtime.Conformance;

namespace MlNetGraviton.Runtime.Tests.Conformance;

/// <summary>The comparison ONNX's backend tests make (numpy assert_allclose, rtol 1e-3, atol 1e-7, NaN equal NaN).</summary>
public sealed class OutputComparerTests
{
    private static string? Compare(Tensor expected, Tensor actual) =>
        OutputComparer.FirstMismatch("y", expected, actual, ConformanceTolerance.Default);

    [Fact]
    public void Floats_within_rtol_match_and_beyond_it_do_not()
    {
        Tensor expected = Tensor.Create([1000f, 0f], 2);
        Assert.Null(Compare(expected, Tensor.Create([1000.9f, 0f], 2)));
        string? mismatch = Compare(expected, Tensor.Create([1001.2f, 0f], 2));
        Assert.NotNull(mismatch);
        Assert.Contains("element 0", mismatch, StringComparison.Ordinal);
        Assert.NotNull(Compare(expected, Tensor.Create([1000f, 1e-6f], 2))); // atol 1e-7 near zero
    }

    [Fact]
    public void NaN_matches_only_NaN_and_infinities_match_exactly()
    {
        Assert.Null(Compare(Tensor.Create([float.NaN, float.PositiveInfinity], 2), Tensor.Create([float.NaN, float.PositiveInfinity], 2)));
        Assert.NotNull(Compare(Tensor.Create([float.NaN], 1), Tensor.Create([0f], 1)));
        Assert.NotNull(Compare(Tensor.Create([0f], 1), Tensor.Create([float.NaN], 1)));
        Assert.NotNull(Compare(Tensor.Create([float.PositiveInfinity], 1), Tensor.Create([float.NegativeInfinity], 1)));
    }

    [Fact]
    public void Integers_and_bools_are_exact()
    {
        Assert.Null(Compare(Tensor.Create([1000L, -3L], 2), Tensor.Create([1000L, -3L], 2)));
        Assert.NotNull(Compare(Tensor.Create([1000L], 1), Tensor.Create([1001L], 1)));
        Assert.NotNull(Compare(Tensor.Create([(byte)200], 1), Tensor.Create([(byte)201], 1)));
        Assert.NotNull(Compare(Tensor.Create([true], 1), Tensor.Create([false], 1)));
    }

    [Fact]
    public void Type_and_shape_must_match()
    {
        Assert.Contains("element type", Compare(Tensor.Create([1f], 1), Tensor.Create([1L], 1)), StringComparison.Ordinal);
        Assert.Contains("shape", Compare(Tensor.Create([1f, 2f], 2), Tensor.Create([1f, 2f], 1, 2)), StringComparison.Ordinal);
    }

    [Fact]
    public void Float16_is_compared_as_values()
    {
        Assert.Null(Compare(Tensor.Create([(Half)1.5f], 1), Tensor.Create([(Half)1.5f], 1)));
        Assert.NotNull(Compare(Tensor.Create([(Half)1.5f], 1), Tensor.Create([(Half)1.6f], 1)));
    }
}
