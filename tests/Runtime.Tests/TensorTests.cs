namespace MlNetGraviton.Runtime.Tests;

public class TensorTests
{
    [Fact]
    public void Create_keeps_the_array_shape_and_type()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        Tensor t = Tensor.Create(data, 2, 3);
        Assert.Equal(TensorElementType.Float32, t.ElementType);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(2, t.Rank);
        Assert.Equal(6, t.ElementCount);
        Assert.Same(data, t.Data);
        t.AsSpan<float>()[4] = 50;
        Assert.Equal(50, data[4]);
    }

    [Fact]
    public void Every_element_type_maps_to_its_clr_type()
    {
        Assert.Equal(TensorElementType.Float16, Tensor.Create(new Half[1], 1).ElementType);
        Assert.Equal(TensorElementType.Int64, Tensor.Create(new long[1], 1).ElementType);
        Assert.Equal(TensorElementType.Int32, Tensor.Create(new int[1], 1).ElementType);
        Assert.Equal(TensorElementType.Int8, Tensor.Create(new sbyte[1], 1).ElementType);
        Assert.Equal(TensorElementType.UInt8, Tensor.Create(new byte[1], 1).ElementType);
        Assert.Equal(TensorElementType.Bool, Tensor.Create(new bool[1], 1).ElementType);
        foreach (TensorElementType type in Enum.GetValues<TensorElementType>())
            Assert.Equal(type.ClrType(), Tensor.Zeros(type, 2, 2).Data.GetType().GetElementType());
    }

    [Fact]
    public void Scalar_and_empty_shapes()
    {
        Tensor scalar = Tensor.Create(new[] { 7L });
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(1, scalar.ElementCount);
        Tensor empty = Tensor.Create(Array.Empty<float>(), 0, 3);
        Assert.Equal(new long[] { 0, 3 }, empty.Shape);
        Assert.Equal(0, empty.ElementCount);
    }

    [Fact]
    public void Shape_that_does_not_match_the_data_names_the_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Create(new float[5], 2, 3));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("6", e.Message);
        Assert.Contains("5", e.Message);
    }

    [Fact]
    public void Negative_dimension_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Create(new float[0], 0, -1));
        Assert.Contains("[0, -1]", e.Message);
    }

    [Fact]
    public void AsSpan_with_the_wrong_type_names_both_types()
    {
        Tensor t = Tensor.Create(new long[] { 1, 2 }, 2);
        var e = Assert.Throws<InvalidOperationException>(() => t.AsSpan<float>());
        Assert.Contains("int64", e.Message);
        Assert.Contains("Single", e.Message);
    }

    [Fact]
    public void Shape_property_is_a_copy()
    {
        Tensor t = Tensor.Create(new float[6], 2, 3);
        t.Shape[0] = 99;
        Assert.Equal(2, t.Dimension(0));
    }

    [Fact]
    public void Tensors_over_2_GiB_are_refused_with_the_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(TensorElementType.Float32, 1L << 20, 1L << 10));
        Assert.Contains("[1048576, 1024]", e.Message);
        Assert.Contains("2 GiB", e.Message);
    }
}
