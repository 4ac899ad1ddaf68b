using System.Buffers;
using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Quantization;

namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// com.microsoft DynamicQuantizeMatMul: float32 A quantized to uint8 on every run (DynamicQuantizeLinear, one scale for
/// the tensor), times int8/uint8 B on QGEMM, dequantized with bias in the GEMM's epilogue. This is also the node the
/// quantized-MatMul rewrite produces, so it is the int8 engine's hot path: a constant 2-D B is packed once at load and
/// a run allocates nothing but a pooled scratch buffer for A. Inputs: A, B, b_scale, b_zero_point?, bias?.
/// The optimizer's own form (domain ai.mlnetgraviton, attribute activation = gelu_erf | gelu_tanh) also applies the GELU
/// that followed it in the QGEMM epilogue, while each tile is hot.
/// </summary>
internal sealed class DynamicQuantizeMatMulKernel(QuantizedWeight? constantB, CpuFeatures cpu, GemmActivation activation) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(3);
        return new DynamicQuantizeMatMulKernel(MatMulIntegerKernel.PackConstantB(c, bInput: 1, zeroPointInput: 3), c.Cpu, GemmActivation.None);
    }

    public static OpKernel CreateWithActivation(OpLoadContext c)
    {
        c.RequireInputs(3);
        GemmActivation activation = (c.Attributes.GetString("activation") ?? "none") switch
        {
            "gelu_erf" => GemmActivation.GeluErf,
            "gelu_tanh" => GemmActivation.GeluTanh,
            "none" => GemmActivation.None,
            var other => throw c.Unsupported($"activation '{other}' is not one of none, gelu_erf, gelu_tanh"),
        };
        return new DynamicQuantizeMatMulKernel(MatMulIntegerKernel.PackConstantB(c, bInput: 1, zeroPointInput: 3), c.Cpu, activation);
    }

    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0);
        if (a.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"DynamicQuantizeMatMul takes float32 A, got {a}", "A");
        Tensor? b = constantB is null ? context.Input(1) : null;
        if (b is not null && b.ElementType is not (TensorElementType.Int8 or TensorElementType.UInt8))
            throw new ArgumentException($"B must be uint8 or int8, got {b}", "B");
        long n = constantB?.N ?? QuantizedArgs.Columns(b!);
        ReadOnlyMemory<float> bScales = QuantizedArgs.ColumnScales(context.Input(2), n, "b_scale");
        ReadOnlyMemory<float> bias = QuantizedArgs.Bias(context.OptionalInput(4), n, "bias");

        int count = a.ElementCount;
        byte[] quantized = ArrayPool<byte>.Shared.Rent(Math.Max(1, count));
        try
        {
            DynamicQuantize.ToUInt8(a.AsSpan<float>(), quantized, out float aScale, out byte aZeroPoint);
            var dequantize = new QuantizedMatMul.Dequantization(aScale, bScales, bias, activation);
            QuantizedMatMul.Run(context, QuantizedActivation.Unsigned(quantized, a.Shape), aZeroPoint, null,
                constantB, b, context.OptionalInput(3), dequantize, cpu);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(quantized);
        }
    }
}
