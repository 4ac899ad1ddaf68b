using MlNetGraviton.Kernels;

namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// com.microsoft MatMulIntegerToFloat: int8/uint8 A and B with their scales and zero points, optional bias, float32 Y =
/// (A − za)(B − zb) · a_scale · b_scale + bias, dequantized in the GEMM's epilogue. A is quantized per tensor here
/// (scalar a_scale and a_zero_point); B per tensor or per column. A constant 2-D B is packed once at load.
/// Inputs: A, B, a_scale, b_scale, a_zero_point?, b_zero_point?, bias?.
/// </summary>
internal sealed class MatMulIntegerToFloatKernel(QuantizedWeight? constantB, CpuFeatures cpu) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(4);
        return new MatMulIntegerToFloatKernel(MatMulIntegerKernel.PackConstantB(c, bInput: 1, zeroPointInput: 5), c.Cpu);
    }

    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0);
        QuantizedActivation qa = QuantizedActivation.Of(a, "A");
        Tensor? b = constantB is null ? context.Input(1) : null;
        long n = constantB?.N ?? QuantizedArgs.Columns(b!);
        var dequantize = new QuantizedMatMul.Dequantization(
            QuantizedArgs.ScalarScale(context.Input(2), "a_scale"),
            QuantizedArgs.ColumnScales(context.Input(3), n, "b_scale"),
            QuantizedArgs.Bias(context.OptionalInput(6), n, "bias"));
        int za = QuantizedArgs.ScalarZeroPoint(context.OptionalInput(4), a.ElementType, "a_zero_point");
        QuantizedMatMul.Run(context, qa, za, null, constantB, b, context.OptionalInput(5), dequantize, cpu);
    }
}
