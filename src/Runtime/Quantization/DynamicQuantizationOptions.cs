namespace MlNetGraviton.Runtime.Quantization;

/// <summary>Options of <see cref="DynamicQuantizer"/>; the defaults are ONNX Runtime's quantize_dynamic defaults.</summary>
public sealed class DynamicQuantizationOptions
{
    /// <summary>One scale per output column of each weight instead of one per weight (ORT's per_channel; default off).</summary>
    public bool PerChannel { get; init; }

    /// <summary>
    /// 7-bit weights in [−64, 64] (ORT's reduce_range; default off). Costs a little accuracy; keeps ONNX Runtime exact on
    /// x86 CPUs without VNNI, whose u8 × s8 kernel saturates pairs of products at int16 (the graviton kernels are exact either way).
    /// </summary>
    public bool ReduceRange { get; init; }

    /// <summary>Names of MatMul nodes to leave in float32 (ORT's nodes_to_exclude).</summary>
    public IReadOnlyCollection<string> NodesToExclude { get; init; } = [];
}
