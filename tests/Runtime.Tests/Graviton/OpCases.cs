namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>
/// One-node graphs covering each supported op: broadcast shapes, negative axes, opset variants (attribute vs input
/// forms), integer and bool types, and edge cases (empty slices, reversed steps, ties).
/// </summary>
internal static class OpCases
{
    private static int s_seed = 1;

    public static Tensor F(params long[] shape) => Floats(shape, 3f);

    public static Tensor Floats(long[] shape, float scale)
    {
        var rng = new Random(s_seed++);
        Tensor t = Tensor.Zeros(TensorElementType.Float32, shape);
        Span<float> d = t.AsSpan<float>();
        for (int i = 0; i < d.Length; i++)
            d[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return t;
    }

    public static Tensor Positive(params long[] shape)
    {
        Tensor t = F(shape);
        Span<float> d = t.AsSpan<float>();
        for (int i = 0; i < d.Length; i++)
            d[i] = Math.Abs(d[i]) + 0.1f;
        return t;
    }

    public static Tensor L(long[] values, params long[] shape) => Tensor.Create(values, shape.Length == 0 && values.Length != 1 ? [values.Length] : shape);

    public static Tensor L1(params long[] values) => Tensor.Create(values, values.Length);

    public static Tensor Scalar(long value) => Tensor.Create(new[] { value });

    public static Tensor ScalarF(float value) => Tensor.Create(new[] { value });

    public static Tensor Ints(long[] shape, long lo, long hi)
    {
        var rng = new Random(s_seed++);
        Tensor t = Tensor.Zeros(TensorElementType.Int64, shape);
        Span<long> d = t.AsSpan<long>();
        for (int i = 0; i < d.Length; i++)
            d[i] = rng.NextInt64(lo, hi);
        return t;
    }

    public static Tensor Bools(params long[] shape)
    {
        var rng = new Random(s_seed++);
        Tensor t = Tensor.Zeros(TensorElementType.Bool, shape);
        Span<bool> d = t.AsSpan<bool>();
        for (int i = 0; i < d.Length; i++)
            d[i] = rng.Next(2) == 1;
        return t;
    }

    private const TensorElementType F32 = TensorElementType.Float32;
    private const TensorElementType I64 = TensorElementType.Int64;
    private const TensorElementType Bool = TensorElementType.Bool;

    public static readonly Dictionary<string, Func<OneNodeModel>> All = new()
    {
        ["Add broadcast [2,3,4]+[4]"] = () => new OneNodeModel("Add").Input("a", F(2, 3, 4)).Input("b", F(4)).Output("y", F32),
        ["Add broadcast [2,1,4]+[3,1]"] = () => new OneNodeModel("Add").Input("a", F(2, 1, 4)).Input("b", F(3, 1)).Output("y", F32),
        ["Add int64 scalar"] = () => new OneNodeModel("Add").Input("a", Ints([2, 5], -100, 100)).Constant("b", Scalar(7)).Output("y", I64),
        ["Sub scalar-first"] = () => new OneNodeModel("Sub").Input("a", F(1)).Input("b", F(3, 5)).Output("y", F32),
        ["Mul [2,3,4]*[2,1,4]"] = () => new OneNodeModel("Mul").Input("a", F(2, 3, 4)).Input("b", F(2, 1, 4)).Output("y", F32),
        ["Mul int64"] = () => new OneNodeModel("Mul").Input("a", Ints([3, 4], -1000, 1000)).Input("b", Ints([4], -1000, 1000)).Output("y", I64),
        ["Div float"] = () => new OneNodeModel("Div").Input("a", F(4, 6)).Input("b", Positive(6)).Output("y", F32),
        ["Div int64 truncates"] = () => new OneNodeModel("Div").Input("a", L([-7, 7, -9, 9, 10, -10], 6)).Input("b", L([2, 2, 4, -4, 3, 3], 6)).Output("y", I64),
        ["Pow exponent 2"] = () => new OneNodeModel("Pow").Input("a", F(3, 4)).Constant("b", ScalarF(2f)).Output("y", F32),
        ["Pow exponent 3"] = () => new OneNodeModel("Pow").Input("a", F(3, 4)).Constant("b", ScalarF(3f)).Output("y", F32),
        ["Pow general"] = () => new OneNodeModel("Pow").Input("a", Positive(3, 4)).Input("b", F(4)).Output("y", F32),
        ["Pow int64 exponent"] = () => new OneNodeModel("Pow").Input("a", F(5)).Constant("b", Scalar(2)).Output("y", F32),
        ["Sqrt"] = () => new OneNodeModel("Sqrt").Input("x", Positive(17)).Output("y", F32),
        ["Erf"] = () => new OneNodeModel("Erf").Input("x", F(5, 41)).Output("y", F32),
        ["Tanh"] = () => new OneNodeModel("Tanh").Input("x", F(3, 13)).Output("y", F32),
        ["Neg"] = () => new OneNodeModel("Neg").Input("x", F(3, 7)).Output("y", F32),
        ["Neg int64"] = () => new OneNodeModel("Neg").Input("x", Ints([9], -50, 50)).Output("y", I64),
        ["Sigmoid"] = () => new OneNodeModel("Sigmoid").Input("x", F(2, 19)).Output("y", F32),
        ["Relu"] = () => new OneNodeModel("Relu").Input("x", F(2, 19)).Output("y", F32),
        ["Exp"] = () => new OneNodeModel("Exp").Input("x", F(11)).Output("y", F32),
        ["Where broadcast"] = () => new OneNodeModel("Where").Input("c", Bools(2, 1, 5)).Input("x", F(3, 5)).Input("y", F(2, 3, 1)).Output("z", F32),
        ["Where scalar else"] = () => new OneNodeModel("Where").Input("c", Bools(4, 4)).Input("x", F(4, 4)).Constant("y", ScalarF(-3.4e38f)).Output("z", F32),
        ["Where int64"] = () => new OneNodeModel("Where").Input("c", Bools(6)).Input("x", Ints([6], 0, 9)).Input("y", Ints([1], 10, 20)).Output("z", I64),
        ["Equal int64"] = () => new OneNodeModel("Equal").Input("a", Ints([3, 4], 0, 3)).Input("b", Ints([4], 0, 3)).Output("y", Bool),
        ["Equal float"] = () => new OneNodeModel("Equal").Input("a", L([0, 1, 2], 3) is var _ ? Tensor.Create(new[] { 0f, -0f, 1f, 2f }, 4) : null!).Input("b", Tensor.Create(new[] { -0f, 0f, 1f, 3f }, 4)).Output("y", Bool),
        ["Less"] = () => new OneNodeModel("Less").Input("a", F(2, 3)).Input("b", F(3)).Output("y", Bool),
        ["Greater int64"] = () => new OneNodeModel("Greater").Input("a", Ints([2, 3], 0, 4)).Input("b", Ints([2, 1], 0, 4)).Output("y", Bool),
        ["Not"] = () => new OneNodeModel("Not").Input("x", Bools(3, 3)).Output("y", Bool),
        ["And broadcast"] = () => new OneNodeModel("And").Input("a", Bools(3, 4)).Input("b", Bools(4)).Output("y", Bool),
        ["Cast float to int64"] = () => new OneNodeModel("Cast").Input("x", F(2, 8)).Attr("to", 7L).Output("y", I64),
        ["Cast int64 to float"] = () => new OneNodeModel("Cast").Input("x", Ints([7], -1000, 1000)).Attr("to", 1L).Output("y", F32),
        ["Cast bool to float"] = () => new OneNodeModel("Cast").Input("x", Bools(7)).Attr("to", 1L).Output("y", F32),
        ["Cast int64 to bool"] = () => new OneNodeModel("Cast").Input("x", Ints([7], -2, 3)).Attr("to", 9L).Output("y", Bool),
        ["Cast float to int32"] = () => new OneNodeModel("Cast").Input("x", F(9)).Attr("to", 6L).Output("y", TensorElementType.Int32),
        ["Shape"] = () => new OneNodeModel("Shape").Input("x", F(2, 3, 4)).Output("y", I64),
        ["Shape start end (opset 15)"] = () => new OneNodeModel("Shape").Input("x", F(2, 3, 4, 5)).Attr("start", 1L).Attr("end", -1L).Output("y", I64),
        ["Size"] = () => new OneNodeModel("Size").Input("x", F(2, 3, 4)).Output("y", I64),
        ["Unsqueeze axes input (13)"] = () => new OneNodeModel("Unsqueeze").Input("x", F(3, 4)).Constant("axes", L1(0, -1)).Output("y", F32),
        ["Unsqueeze axes attribute (11)"] = () => new OneNodeModel("Unsqueeze", opset: 11).Input("x", F(3, 4)).Attr("axes", [1L, 3L]).Output("y", F32),
        ["Squeeze axes input (13)"] = () => new OneNodeModel("Squeeze").Input("x", F(1, 3, 1, 4)).Constant("axes", L1(-2)).Output("y", F32),
        ["Squeeze all ones"] = () => new OneNodeModel("Squeeze").Input("x", F(1, 3, 1, 4)).Output("y", F32),
        ["Squeeze axes attribute (11)"] = () => new OneNodeModel("Squeeze", opset: 11).Input("x", F(1, 3, 1)).Attr("axes", [0L]).Output("y", F32),
        ["Reshape 0 and -1"] = () => new OneNodeModel("Reshape").Input("x", F(2, 3, 4)).Constant("s", L1(0, -1, 2)).Output("y", F32),
        ["Reshape runtime shape"] = () => new OneNodeModel("Reshape").Input("x", F(2, 3, 4)).Input("s", L1(4, 6)).Output("y", F32),
        ["Flatten axis 2"] = () => new OneNodeModel("Flatten").Input("x", F(2, 3, 4, 5)).Attr("axis", 2L).Output("y", F32),
        ["Flatten axis -1"] = () => new OneNodeModel("Flatten").Input("x", F(2, 3, 4)).Attr("axis", -1L).Output("y", F32),
        ["Transpose 0213"] = () => new OneNodeModel("Transpose").Input("x", F(2, 3, 4, 5)).Attr("perm", [0L, 2L, 1L, 3L]).Output("y", F32),
        ["Transpose 0231"] = () => new OneNodeModel("Transpose").Input("x", F(2, 3, 4, 5)).Attr("perm", [0L, 2L, 3L, 1L]).Output("y", F32),
        ["Transpose default reverses"] = () => new OneNodeModel("Transpose").Input("x", F(2, 3, 4)).Output("y", F32),
        ["Transpose int64"] = () => new OneNodeModel("Transpose").Input("x", Ints([3, 5], 0, 100)).Attr("perm", [1L, 0L]).Output("y", I64),
        ["Concat axis -1"] = () => new OneNodeModel("Concat").Input("a", F(2, 3)).Input("b", F(2, 5)).Attr("axis", -1L).Output("y", F32),
        ["Concat int64 axis 0"] = () => new OneNodeModel("Concat").Input("a", L1(1, 2)).Constant("b", L1(-1)).Input("c", L1(7, 8, 9)).Attr("axis", 0L).Output("y", I64),
        ["Slice basic"] = () => new OneNodeModel("Slice").Input("x", F(4, 10)).Constant("s", L1(1, 2)).Constant("e", L1(3, -1)).Output("y", F32),
        ["Slice axes steps"] = () => new OneNodeModel("Slice").Input("x", F(4, 10)).Constant("s", L1(1)).Constant("e", L1(long.MaxValue)).Constant("a", L1(-1)).Constant("st", L1(3)).Output("y", F32),
        ["Slice negative step"] = () => new OneNodeModel("Slice").Input("x", F(3, 8)).Constant("s", L1(-1)).Constant("e", L1(long.MinValue)).Constant("a", L1(1)).Constant("st", L1(-2)).Output("y", F32),
        ["Slice empty"] = () => new OneNodeModel("Slice").Input("x", F(3, 8)).Constant("s", L1(5)).Constant("e", L1(2)).Constant("a", L1(1)).Output("y", F32),
        ["Slice int64 runtime starts"] = () => new OneNodeModel("Slice").Input("x", Ints([6], 0, 9)).Input("s", L1(-4)).Input("e", L1(100)).Output("y", I64),
        ["Split input sizes (13)"] = () => new OneNodeModel("Split").Input("x", F(2, 9)).Constant("split", L1(2, 3, 4)).Attr("axis", -1L).Output("a", F32).Output("b", F32).Output("c", F32),
        ["Split equal"] = () => new OneNodeModel("Split").Input("x", F(6, 2)).Output("a", F32).Output("b", F32).Output("c", F32),
        ["Split attribute (11)"] = () => new OneNodeModel("Split", opset: 11).Input("x", F(5, 2)).Attr("split", [1L, 4L]).Output("a", F32).Output("b", F32),
        ["Split num_outputs uneven (18)"] = () => new OneNodeModel("Split", opset: 18).Input("x", F(7, 2)).Attr("num_outputs", 3L).Output("a", F32).Output("b", F32).Output("c", F32),
        ["Expand"] = () => new OneNodeModel("Expand").Input("x", F(3, 1)).Constant("s", L1(2, 1, 4)).Output("y", F32),
        ["Expand int64 smaller shape"] = () => new OneNodeModel("Expand").Input("x", Ints([2, 3], 0, 9)).Constant("s", L1(3)).Output("y", I64),
        ["Tile"] = () => new OneNodeModel("Tile").Input("x", F(2, 3)).Constant("r", L1(2, 3)).Output("y", F32),
        ["Gather axis 0 (embedding)"] = () => new OneNodeModel("Gather").Constant("w", F(10, 4)).Input("i", Ints([2, 3], -10, 10)).Output("y", F32),
        ["Gather axis -1 scalar index"] = () => new OneNodeModel("Gather").Input("x", F(2, 3, 5)).Constant("i", Scalar(-2)).Attr("axis", -1L).Output("y", F32),
        ["Gather int64 shape element"] = () => new OneNodeModel("Gather").Input("x", L1(4, 5, 6)).Constant("i", Scalar(1)).Output("y", I64),
        ["GatherElements axis 1"] = () => new OneNodeModel("GatherElements").Input("x", F(3, 4)).Input("i", Ints([3, 2], -4, 4)).Attr("axis", 1L).Output("y", F32),
        ["Gemm transB bias"] = () => new OneNodeModel("Gemm").Input("a", F(3, 5)).Constant("b", F(4, 5)).Constant("c", F(4)).Attr("transB", 1L).Output("y", F32),
        ["Gemm alpha beta matrix C"] = () => new OneNodeModel("Gemm").Input("a", F(3, 5)).Input("b", F(5, 4)).Input("c", F(3, 1)).Attr("alpha", 0.5f).Attr("beta", 2f).Output("y", F32),
        ["Gemm transA no C"] = () => new OneNodeModel("Gemm").Input("a", F(5, 3)).Constant("b", F(5, 7)).Attr("transA", 1L).Output("y", F32),
        ["MatMul constant B 3-D A"] = () => new OneNodeModel("MatMul").Input("a", F(2, 7, 33)).Constant("b", F(33, 19)).Output("y", F32),
        ["MatMul batched broadcast"] = () => new OneNodeModel("MatMul").Input("a", F(2, 1, 5, 6)).Input("b", F(3, 6, 4)).Output("y", F32),
        ["MatMul 1-D both"] = () => new OneNodeModel("MatMul").Input("a", F(6)).Input("b", F(6)).Output("y", F32),
        ["MatMul 1-D A"] = () => new OneNodeModel("MatMul").Input("a", F(6)).Input("b", F(2, 6, 3)).Output("y", F32),
        ["MatMul 1-D B"] = () => new OneNodeModel("MatMul").Input("a", F(2, 4, 6)).Input("b", F(6)).Output("y", F32),
        ["Softmax axis -1 (13)"] = () => new OneNodeModel("Softmax").Input("x", F(2, 3, 17)).Output("y", F32),
        ["Softmax axis 1 (13)"] = () => new OneNodeModel("Softmax").Input("x", F(2, 3, 4)).Attr("axis", 1L).Output("y", F32),
        ["Softmax coerced 2-D (11)"] = () => new OneNodeModel("Softmax", opset: 11).Input("x", F(2, 3, 4)).Attr("axis", 1L).Output("y", F32),
        ["Softmax large values"] = () => new OneNodeModel("Softmax").Input("x", Floats([3, 9], 80f)).Output("y", F32),
        ["LogSoftmax"] = () => new OneNodeModel("LogSoftmax").Input("x", F(3, 11)).Output("y", F32),
        ["LayerNormalization"] = () => new OneNodeModel("LayerNormalization").Input("x", F(2, 3, 16)).Constant("g", F(16)).Constant("b", F(16)).Attr("epsilon", 1e-5f).Output("y", F32),
        ["LayerNormalization axis -2 no bias"] = () => new OneNodeModel("LayerNormalization").Input("x", F(2, 3, 4)).Constant("g", F(3, 4)).Attr("axis", -2L).Output("y", F32),
        ["LayerNormalization mean and inv std"] = () => new OneNodeModel("LayerNormalization").Input("x", F(4, 8)).Constant("g", F(8)).Constant("b", F(8)).Output("y", F32).Output("mean", F32).Output("inv", F32),
        ["ReduceMean last axis (17 attribute)"] = () => new OneNodeModel("ReduceMean").Input("x", F(2, 3, 8)).Attr("axes", [-1L]).Output("y", F32),
        ["ReduceMean axes input (18)"] = () => new OneNodeModel("ReduceMean", opset: 18).Input("x", F(2, 3, 8)).Constant("a", L1(0, 2)).Attr("keepdims", 0L).Output("y", F32),
        ["ReduceSum axes input (13)"] = () => new OneNodeModel("ReduceSum").Input("x", F(2, 3, 4)).Constant("a", L1(1)).Output("y", F32),
        ["ReduceSum all (11)"] = () => new OneNodeModel("ReduceSum", opset: 11).Input("x", F(2, 3, 4)).Attr("keepdims", 0L).Output("y", F32),
        ["ReduceSum int64 middle"] = () => new OneNodeModel("ReduceSum").Input("x", Ints([2, 3, 4], -9, 9)).Constant("a", L1(-2)).Output("y", I64),
        ["ConstantOfShape int64"] = () => new OneNodeModel("ConstantOfShape").Input("s", L1(2, 3)).Attr("value", Tensor.Create(new[] { 5L }, 1)).Output("y", I64),
        ["ConstantOfShape default"] = () => new OneNodeModel("ConstantOfShape").Input("s", L1(4)).Output("y", F32),
        ["Range int64"] = () => new OneNodeModel("Range").Input("s", Scalar(2)).Input("l", Scalar(11)).Constant("d", Scalar(3)).Output("y", I64),
        ["Range float negative"] = () => new OneNodeModel("Range").Input("s", ScalarF(1f)).Input("l", ScalarF(-2f)).Input("d", ScalarF(-0.5f)).Output("y", F32),
        ["Trilu lower"] = () => new OneNodeModel("Trilu").Input("x", F(2, 4, 5)).Attr("upper", 0L).Output("y", F32),
        ["Trilu upper k=1"] = () => new OneNodeModel("Trilu").Input("x", F(4, 5)).Constant("k", Scalar(1)).Output("y", F32),
        ["Trilu int64 upper k=-1"] = () => new OneNodeModel("Trilu").Input("x", Ints([5, 3], 1, 9)).Constant("k", Scalar(-1)).Output("y", I64),
        ["CumSum int64"] = () => new OneNodeModel("CumSum").Input("x", Ints([2, 5], -9, 9)).Constant("a", Scalar(1)).Output("y", I64),
        ["CumSum exclusive reverse"] = () => new OneNodeModel("CumSum").Input("x", F(3, 4)).Constant("a", Scalar(0)).Attr("exclusive", 1L).Attr("reverse", 1L).Output("y", F32),
        ["Identity"] = () => new OneNodeModel("Identity").Input("x", F(3)).Output("y", F32),
        ["Dropout inference with mask"] = () => new OneNodeModel("Dropout").Input("x", F(3, 4)).Output("y", F32).Output("m", Bool),
        ["Clip inputs"] = () => new OneNodeModel("Clip").Input("x", F(20)).Constant("lo", ScalarF(-1f)).Constant("hi", ScalarF(0.5f)).Output("y", F32),
        ["Clip max only"] = () => new OneNodeModel("Clip").Input("x", F(20)).Skip().Constant("hi", ScalarF(0.5f)).Output("y", F32),
        ["Clip attributes (6)"] = () => new OneNodeModel("Clip", opset: 6).Input("x", F(20)).Attr("min", -0.5f).Attr("max", 1f).Output("y", F32),
        ["Max variadic broadcast"] = () => new OneNodeModel("Max").Input("a", F(2, 3)).Input("b", F(3)).Input("c", F(2, 1)).Output("y", F32),
        ["Min two"] = () => new OneNodeModel("Min").Input("a", F(4, 3)).Input("b", F(3)).Output("y", F32),
        ["Max int64 single"] = () => new OneNodeModel("Max").Input("a", Ints([4], -5, 5)).Output("y", I64),
        ["ArgMax axis 1 keepdims"] = () => new OneNodeModel("ArgMax").Input("x", F(3, 7)).Attr("axis", 1L).Output("y", I64),
        ["ArgMax ties select last"] = () => new OneNodeModel("ArgMax").Input("x", Tensor.Create(new[] { 1f, 3f, 3f, 2f, 5f, 5f }, 2, 3)).Attr("axis", -1L).Attr("keepdims", 0L).Attr("select_last_index", 1L).Output("y", I64),
        ["ArgMax ties first"] = () => new OneNodeModel("ArgMax").Input("x", Tensor.Create(new[] { 1f, 3f, 3f, 5f, 5f, 2f }, 2, 3)).Attr("axis", 1L).Output("y", I64),
        ["TopK largest"] = () => new OneNodeModel("TopK").Input("x", F(3, 9)).Constant("k", L1(4)).Output("v", F32).Output("i", I64),
        ["TopK smallest axis 0 ties"] = () => new OneNodeModel("TopK").Input("x", Tensor.Create(new[] { 2f, 1f, 2f, 1f, 0f, 3f }, 3, 2)).Constant("k", L1(2)).Attr("axis", 0L).Attr("largest", 0L).Output("v", F32).Output("i", I64),
    };
}
