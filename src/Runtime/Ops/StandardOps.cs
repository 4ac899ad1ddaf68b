using MlNetGraviton.Runtime.Ops.Algebra;
using MlNetGraviton.Runtime.Ops.Elementwise;
using MlNetGraviton.Runtime.Ops.Reduction;
using MlNetGraviton.Runtime.Ops.Tensors;

namespace MlNetGraviton.Runtime.Ops;

/// <summary>
/// The ONNX (default domain) ops the graviton engine runs, each with the first opset whose semantics its kernel
/// implements. Ops whose inputs or attributes changed meaning are split by opset (or read the opset in their factory).
/// </summary>
internal static class StandardOps
{
    public static OpRegistry Create()
    {
        var r = new OpRegistry();
        foreach (var (name, kind) in new (string, BinaryKind)[]
        {
            ("Add", BinaryKind.Add), ("Sub", BinaryKind.Sub), ("Mul", BinaryKind.Mul), ("Div", BinaryKind.Div),
            ("Equal", BinaryKind.Equal), ("Less", BinaryKind.Less), ("Greater", BinaryKind.Greater),
            ("And", BinaryKind.And), ("Or", BinaryKind.Or), ("Xor", BinaryKind.Xor),
        })
        {
            r.Onnx(name, 7, _ => new BinaryKernel(kind));
        }
        r.Onnx("LessOrEqual", 12, _ => new BinaryKernel(BinaryKind.LessOrEqual));
        r.Onnx("GreaterOrEqual", 12, _ => new BinaryKernel(BinaryKind.GreaterOrEqual));
        r.Onnx("Pow", 7, _ => new BinaryKernel(BinaryKind.Pow));
        r.Onnx("Max", 8, _ => new VariadicKernel(BinaryKind.Max));
        r.Onnx("Min", 8, _ => new VariadicKernel(BinaryKind.Min));
        r.Onnx("Sum", 8, _ => new VariadicKernel(BinaryKind.Add));

        foreach (var (name, kind) in new (string, UnaryKind)[]
        {
            ("Sqrt", UnaryKind.Sqrt), ("Erf", UnaryKind.Erf), ("Tanh", UnaryKind.Tanh), ("Neg", UnaryKind.Neg),
            ("Sigmoid", UnaryKind.Sigmoid), ("Relu", UnaryKind.Relu), ("Exp", UnaryKind.Exp), ("Log", UnaryKind.Log),
            ("Abs", UnaryKind.Abs), ("Reciprocal", UnaryKind.Reciprocal), ("Floor", UnaryKind.Floor), ("Ceil", UnaryKind.Ceil),
        })
        {
            r.Onnx(name, 6, _ => new UnaryKernel(kind));
        }
        // Ops whose first version already has today's semantics (no consumed_inputs era), or that appeared later.
        foreach (var (name, since, kind) in new (string, int, UnaryKind)[]
        {
            ("Not", 1, UnaryKind.Not), ("Softsign", 1, UnaryKind.Softsign), ("Softplus", 1, UnaryKind.Softplus),
            ("Sin", 7, UnaryKind.Sin), ("Cos", 7, UnaryKind.Cos), ("Tan", 7, UnaryKind.Tan),
            ("Asin", 7, UnaryKind.Asin), ("Acos", 7, UnaryKind.Acos), ("Atan", 7, UnaryKind.Atan),
            ("Sinh", 9, UnaryKind.Sinh), ("Cosh", 9, UnaryKind.Cosh), ("Asinh", 9, UnaryKind.Asinh),
            ("Acosh", 9, UnaryKind.Acosh), ("Atanh", 9, UnaryKind.Atanh), ("Sign", 9, UnaryKind.Sign), ("Round", 11, UnaryKind.Round),
        })
        {
            r.Onnx(name, since, _ => new UnaryKernel(kind));
        }
        r.Onnx("LeakyRelu", 6, c => ActivationKernel.Create(c, ActivationKind.LeakyRelu));
        r.Onnx("Elu", 6, c => ActivationKernel.Create(c, ActivationKind.Elu));
        r.Onnx("Selu", 6, c => ActivationKernel.Create(c, ActivationKind.Selu));
        r.Onnx("HardSigmoid", 6, c => ActivationKernel.Create(c, ActivationKind.HardSigmoid));
        r.Onnx("ThresholdedRelu", 10, c => ActivationKernel.Create(c, ActivationKind.ThresholdedRelu));
        r.Onnx("Clip", 6, ClipKernel.Create);
        r.Onnx("Where", 9, _ => new WhereKernel());
        r.Onnx("Cast", 6, CastKernel.Create);

        r.Onnx("Identity", 1, _ => new IdentityKernel());
        r.Onnx("Dropout", 7, IdentityKernel.CreateDropout);
        r.Onnx("Shape", 1, ShapeKernel.Create);
        r.Onnx("Size", 1, _ => new SizeKernel());
        r.Onnx("Reshape", 5, ReshapeKernel.Create);
        r.Onnx("Flatten", 1, FlattenKernel.Create);
        r.Onnx("Unsqueeze", 1, UnsqueezeKernel.Create);
        r.Onnx("Squeeze", 1, SqueezeKernel.Create);
        r.Onnx("Transpose", 1, TransposeKernel.Create);
        r.Onnx("Concat", 4, ConcatKernel.Create);
        r.Onnx("Slice", 10, _ => new SliceKernel());
        r.Onnx("Split", 2, SplitKernel.Create);
        r.Onnx("Expand", 8, _ => new ExpandKernel());
        r.Onnx("Tile", 6, _ => new TileKernel());
        r.Onnx("Gather", 1, GatherKernel.Create);
        r.Onnx("GatherElements", 11, GatherElementsKernel.Create);
        r.Onnx("ConstantOfShape", 9, ConstantOfShapeKernel.Create);
        r.Onnx("Range", 11, _ => new RangeKernel());
        r.Onnx("Trilu", 14, TriluKernel.Create);

        r.Onnx("MatMul", 1, MatMulKernel.Create);
        r.Onnx("Gemm", 7, GemmKernel.Create);

        r.Onnx("Softmax", 1, c => SoftmaxKernel.Create(c, log: false));
        r.Onnx("LogSoftmax", 1, c => SoftmaxKernel.Create(c, log: true));
        r.Onnx("LayerNormalization", 17, LayerNormalizationKernel.Create);
        r.Onnx("ReduceSum", 1, c => ReduceKernel.Create(c, ReduceKind.Sum));
        r.Onnx("ReduceMean", 1, c => ReduceKernel.Create(c, ReduceKind.Mean));
        r.Onnx("ReduceMax", 1, c => ReduceKernel.Create(c, ReduceKind.Max));
        r.Onnx("ReduceMin", 1, c => ReduceKernel.Create(c, ReduceKind.Min));
        r.Onnx("ReduceProd", 1, c => ReduceKernel.Create(c, ReduceKind.Prod));
        r.Onnx("ArgMax", 1, c => ArgMaxKernel.Create(c, min: false));
        r.Onnx("ArgMin", 1, c => ArgMaxKernel.Create(c, min: true));
        r.Onnx("TopK", 10, TopKKernel.Create);
        r.Onnx("CumSum", 11, CumSumKernel.Create);
        return r;
    }
}
