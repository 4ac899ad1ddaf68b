using MlNetGraviton.Kernels;
using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>What passes may consult (the kernels that exist, the CPU, limits) and where they count what they did.</summary>
internal sealed class OptimizerContext(OpRegistry registry, CpuFeatures cpu, GraphOptimizerOptions options)
{
    public OpRegistry Registry { get; } = registry;

    public CpuFeatures Cpu { get; } = cpu;

    public GraphOptimizerOptions Options { get; } = options;

    public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    public void Count(string counter, int times = 1) => Counts[counter] = Counts.GetValueOrDefault(counter) + times;

    /// <summary>True when the registry has a kernel for <paramref name="opType"/> of <paramref name="domain"/> at <paramref name="opset"/>.</summary>
    public bool HasKernel(string domain, string opType, long opset) => Registry.TryGet(domain, opType, opset, out _);
}
