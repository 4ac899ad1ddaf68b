namespace MlNetGraviton.Runtime.Tests.Graviton.Quantized;

/// <summary>
/// One-node graphs for the quantized ops: every A/B signedness, zero points per tensor and per column, batched and
/// broadcast products, 1-D operands, constant (prepacked) and run-time B, per-tensor and per-axis (de)quantization.
/// </summary>
internal static class QuantizedOpCases
{
    private const string Ms = "com.microsoft";
    private static int s_seed = 100;

    public static Tensor U8(params long[] shape) => RandomTensors.Make(TensorElementType.UInt8, shape, s_seed++);

    public static Tensor S8(params long[] shape) => RandomTensors.Make(TensorElementType.Int8, shape, s_seed++);

    /// <summary>int8 values in [−64, 63]: u8 × s8 products whose adjacent pairs cannot saturate int16 (see the remark below).</summary>
    public static Tensor S8Half(params long[] shape)
    {
        Tensor t = S8(shape);
        Span<sbyte> d = t.AsSpan<sbyte>();
        for (int i = 0; i < d.Length; i++)
            d[i] = (sbyte)(d[i] >> 1);
        return t;
    }

    public static Tensor F(params long[] shape) => OpCases.F(shape);

    public static Tensor Scale(params float[] values) => values.Length == 1 ? Tensor.Create(values) : Tensor.Create(values, values.Length);

    public static Tensor ZpU8(params byte[] values) => values.Length == 1 ? Tensor.Create(values) : Tensor.Create(values, values.Length);

    public static Tensor ZpS8(params sbyte[] values) => values.Length == 1 ? Tensor.Create(values) : Tensor.Create(values, values.Length);

    public static Tensor Scales(int n, int seed)
    {
        var rng = new Random(seed);
        var s = new float[n];
        for (int i = 0; i < n; i++)
            s[i] = (float)(0.001 + rng.NextDouble() * 0.05);
        return Tensor.Create(s, n);
    }

    // ONNX Runtime's x86 AVX2 u8×s8 kernel multiplies with VPMADDUBSW, which saturates a pair of products at int16;
    // its results then differ from the exact int32 MatMulInteger defines. Cases with uint8 A and int8 B keep B in
    // [−64, 63] so ORT's answer is exact and a bit-exact comparison is fair; the other combinations use the full range.
    public static readonly Dictionary<string, Func<OneNodeModel>> All = new()
    {
        ["DynamicQuantizeLinear"] = () => new OneNodeModel("DynamicQuantizeLinear", 11).Input("x", F(3, 37))
            .Output("y", TensorElementType.UInt8).Output("scale", TensorElementType.Float32).Output("zp", TensorElementType.UInt8),
        ["DynamicQuantizeLinear_all_positive"] = () => new OneNodeModel("DynamicQuantizeLinear", 11).Input("x", OpCases.Positive(70))
            .Output("y", TensorElementType.UInt8).Output("scale", TensorElementType.Float32).Output("zp", TensorElementType.UInt8),
        ["DynamicQuantizeLinear_zeros"] = () => new OneNodeModel("DynamicQuantizeLinear", 11).Input("x", Tensor.Zeros(TensorElementType.Float32, 5))
            .Output("y", TensorElementType.UInt8).Output("scale", TensorElementType.Float32).Output("zp", TensorElementType.UInt8),

        ["MatMulInteger_u8u8_scalar_zp"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", U8(5, 19)).Input("b", U8(19, 23))
            .Input("azp", ZpU8(131)).Input("bzp", ZpU8(7)).Output("y", TensorElementType.Int32),
        ["MatMulInteger_u8u8_const_b_per_column_zp"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", U8(2, 7, 33)).Constant("b", U8(33, 4))
            .Input("azp", ZpU8(3)).Constant("bzp", ZpU8(0, 255, 128, 9)).Output("y", TensorElementType.Int32),
        ["MatMulInteger_u8s8_const_b"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", U8(9, 64)).Constant("b", S8Half(64, 40))
            .Input("azp", ZpU8(128)).Output("y", TensorElementType.Int32),
        ["MatMulInteger_u8s8_no_zero_points"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", U8(3, 17)).Input("b", S8Half(17, 18))
            .Output("y", TensorElementType.Int32),
        ["MatMulInteger_s8s8"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", S8(4, 31)).Constant("b", S8(31, 17))
            .Input("azp", ZpS8(-5)).Constant("bzp", ZpS8(3)).Output("y", TensorElementType.Int32),
        ["MatMulInteger_s8u8"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", S8(6, 12)).Input("b", U8(12, 5))
            .Output("y", TensorElementType.Int32),
        ["MatMulInteger_batched_b"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", U8(2, 3, 5, 11)).Input("b", U8(3, 11, 6))
            .Input("azp", ZpU8(100)).Input("bzp", ZpU8(50)).Output("y", TensorElementType.Int32),
        ["MatMulInteger_broadcast_a"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", U8(4, 9)).Input("b", U8(2, 9, 7))
            .Output("y", TensorElementType.Int32),
        ["MatMulInteger_vector_a"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", U8(13)).Constant("b", U8(13, 8))
            .Output("y", TensorElementType.Int32),
        ["MatMulInteger_vector_b"] = () => new OneNodeModel("MatMulInteger", 10).Input("a", U8(3, 13)).Input("b", U8(13))
            .Output("y", TensorElementType.Int32),

        ["QuantizeLinear_10_u8"] = () => new OneNodeModel("QuantizeLinear", 10).Input("x", F(4, 9)).Input("s", Scale(0.0173f)).Input("zp", ZpU8(120))
            .Output("y", TensorElementType.UInt8),
        ["QuantizeLinear_10_default_u8"] = () => new OneNodeModel("QuantizeLinear", 10).Input("x", F(30)).Input("s", Scale(0.01f))
            .Output("y", TensorElementType.UInt8),
        ["QuantizeLinear_13_s8_per_axis"] = () => new OneNodeModel("QuantizeLinear", 13).Input("x", F(2, 3, 5)).Constant("s", Scale(0.01f, 0.02f, 0.005f))
            .Constant("zp", ZpS8(0, -10, 20)).Attr("axis", 1L).Output("y", TensorElementType.Int8),
        ["QuantizeLinear_13_u8_negative_axis"] = () => new OneNodeModel("QuantizeLinear", 13).Input("x", F(3, 4)).Constant("s", Scale(0.01f, 0.02f, 0.03f, 0.04f))
            .Constant("zp", ZpU8(0, 10, 128, 255)).Attr("axis", -1L).Output("y", TensorElementType.UInt8),
        ["QuantizeLinear_19_s8"] = () => new OneNodeModel("QuantizeLinear", 19).Input("x", F(40)).Input("s", Scale(0.0125f)).Input("zp", ZpS8(-3))
            .Output("y", TensorElementType.Int8),
        ["QuantizeLinear_ties_round_to_even"] = () => new OneNodeModel("QuantizeLinear", 13)
            .Input("x", Tensor.Create(new[] { 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 1000f, -1000f }, 8)).Input("s", Scale(1f)).Input("zp", ZpS8(0))
            .Output("y", TensorElementType.Int8),

        ["DequantizeLinear_10_u8"] = () => new OneNodeModel("DequantizeLinear", 10).Input("x", U8(4, 9)).Input("s", Scale(0.0173f)).Input("zp", ZpU8(120))
            .Output("y", TensorElementType.Float32),
        ["DequantizeLinear_13_s8_per_axis"] = () => new OneNodeModel("DequantizeLinear", 13).Input("x", S8(3, 2, 4)).Constant("s", Scale(0.5f, 0.25f, 2f))
            .Constant("zp", ZpS8(1, -1, 0)).Attr("axis", 0L).Output("y", TensorElementType.Float32),
        ["DequantizeLinear_13_int32"] = () => new OneNodeModel("DequantizeLinear", 13).Input("x", Ints(-1_000_000, 1_000_000, 20)).Input("s", Scale(0.001f))
            .Output("y", TensorElementType.Float32),

        ["DynamicQuantizeMatMul_const_b_per_column_bias"] = () => new OneNodeModel("DynamicQuantizeMatMul", 17, Ms).Input("a", F(2, 5, 48))
            .Constant("b", S8Half(48, 24)).Constant("bs", Scales(24, 1)).Constant("bzp", Tensor.Create(new sbyte[24], 24)).Constant("bias", F(24))
            .Output("y", TensorElementType.Float32),
        ["DynamicQuantizeMatMul_u8_b_per_tensor"] = () => new OneNodeModel("DynamicQuantizeMatMul", 17, Ms).Input("a", F(7, 33))
            .Constant("b", U8(33, 9)).Constant("bs", Scale(0.02f)).Constant("bzp", ZpU8(131)).Output("y", TensorElementType.Float32),
        ["DynamicQuantizeMatMul_runtime_b_no_zp"] = () => new OneNodeModel("DynamicQuantizeMatMul", 17, Ms).Input("a", F(3, 16))
            .Input("b", S8Half(16, 10)).Input("bs", Scale(0.01f)).Output("y", TensorElementType.Float32),

        ["MatMulIntegerToFloat_const_b"] = () => new OneNodeModel("MatMulIntegerToFloat", 17, Ms).Input("a", U8(6, 40)).Constant("b", S8Half(40, 12))
            .Input("as", Scale(0.03f)).Constant("bs", Scales(12, 2)).Input("azp", ZpU8(125)).Skip().Constant("bias", F(12))
            .Output("y", TensorElementType.Float32),
        ["MatMulIntegerToFloat_s8s8_batched"] = () => new OneNodeModel("MatMulIntegerToFloat", 17, Ms).Input("a", S8(2, 3, 20)).Input("b", S8(20, 7))
            .Input("as", Scale(0.05f)).Input("bs", Scale(0.002f)).Input("azp", ZpS8(4)).Input("bzp", ZpS8(-2))
            .Output("y", TensorElementType.Float32),
    };

    private static Tensor Ints(int lo, int hi, int count)
    {
        var rng = new Random(s_seed++);
        var v = new int[count];
        for (int i = 0; i < count; i++)
            v[i] = rng.Next(lo, hi);
        return Tensor.Create(v, count);
    }
}
