using System.Globalization;

namespace MlNetGraviton.Runtime.Quantization;

/// <summary>What <see cref="DynamicQuantizer"/> did: which MatMuls it quantized, which it left in float32 and why.</summary>
public sealed class DynamicQuantizationReport
{
    internal DynamicQuantizationReport(IReadOnlyList<string> quantized, IReadOnlyList<SkippedMatMul> skipped, int activations,
        long floatWeightBytes, long int8WeightBytes, bool perChannel)
    {
        QuantizedNodes = quantized;
        Skipped = skipped;
        QuantizedActivations = activations;
        FloatWeightBytes = floatWeightBytes;
        Int8WeightBytes = int8WeightBytes;
        PerChannel = perChannel;
    }

    /// <summary>Names of the MatMul nodes now computed in int8.</summary>
    public IReadOnlyList<string> QuantizedNodes { get; }

    /// <summary>MatMul nodes left in float32, with the reason.</summary>
    public IReadOnlyList<SkippedMatMul> Skipped { get; }

    /// <summary>DynamicQuantizeLinear nodes written: one per distinct activation (MatMuls sharing an input share it).</summary>
    public int QuantizedActivations { get; }

    /// <summary>Bytes of the float32 weights that were quantized.</summary>
    public long FloatWeightBytes { get; }

    /// <summary>Bytes of their int8 replacements (values, scales and zero points).</summary>
    public long Int8WeightBytes { get; }

    public bool PerChannel { get; }

    /// <summary>One line: counts and sizes.</summary>
    public string Summary
    {
        get
        {
            string skipped = Skipped.Count > 0 ? $"; {Skipped.Count} MatMul nodes left in float32" : "";
            if (QuantizedNodes.Count == 0)
                return "quantized 0 MatMul nodes (none has a constant 2-D float32 weight it can quantize)" + skipped;
            string mode = PerChannel ? "per-channel" : "per-tensor";
            return string.Create(CultureInfo.InvariantCulture,
                $"quantized {QuantizedNodes.Count} MatMul nodes ({mode} s8 weights, {QuantizedActivations} dynamically quantized u8 activations), " +
                $"weights {FloatWeightBytes / 1048576.0:F1} MiB -> {Int8WeightBytes / 1048576.0:F1} MiB{skipped}");
        }
    }
}

/// <summary>A MatMul the quantizer left alone, and why.</summary>
public sealed record SkippedMatMul(string NodeName, string Reason);
