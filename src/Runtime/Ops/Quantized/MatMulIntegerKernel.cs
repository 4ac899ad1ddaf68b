using MlNetGraviton.Kernels;

namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// ONNX MatMulInteger (opset 10): int8/uint8 A × int8/uint8 B → exact int32, with A's zero point per tensor or per row
/// and B's per tensor or per column. A constant 2-D B (with a constant or absent zero point) is packed once at load.
/// </summary>
internal sealed class MatMulIntegerKernel(QuantizedWeight? constantB, CpuFeatures cpu) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        return new MatMulIntegerKernel(PackConstantB(c, bInput: 1, zeroPointInput: 3), c.Cpu);
    }

    /// <summary>B packed at load when it is a constant 2-D int8/uint8 matrix whose zero point is constant or absent.</summary>
    internal static QuantizedWeight? PackConstantB(OpLoadContext c, int bInput, int zeroPointInput)
    {
        if (c.Constant(bInput) is not { Rank: 2 } b || b.ElementType is not (TensorElementType.Int8 or TensorElementType.UInt8))
            return null;
        Tensor? zeroPoint = c.Constant(zeroPointInput);
        if (c.HasInput(zeroPointInput) && zeroPoint is null)
            return null;
        int k = checked((int)b.Dimension(0)), n = checked((int)b.Dimension(1));
        if (k == 0 || n == 0)
            return null;
        try
        {
            return QuantizedWeight.Pack(b, 0, k, n, zeroPoint, c.Cpu, "B");
        }
        catch (ArgumentException e)
        {
            throw c.Unsupported($"its constant B {b} cannot be used: {e.Message}");
        }
    }

    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0);
        QuantizedActivation qa = QuantizedActivation.Of(a, "A");
        int za = QuantizedArgs.RowZeroPoints(context.OptionalInput(2), a.ElementType, "a_zero_point", out int[]? rows);
        Tensor? b = constantB is null ? context.Input(1) : null;
        QuantizedMatMul.Run(context, qa, za, rows, constantB, b, context.OptionalInput(3), dequantize: null, cpu);
    }
}
