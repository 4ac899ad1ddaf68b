using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Runtime.Graph;

namespace MlNetGraviton.Runtime.Ops;

/// <summary>
/// What an <see cref="OpFactory"/> sees at load: the node, the opset it is interpreted under, its constant inputs, the CPU,
/// and how the session's precision packs constant weights (<paramref name="weights"/>; default: for the fp32 kernel the
/// CPU selects; a bf16 fast-math kind for <see cref="Precision.BFloat16"/>).
/// </summary>
internal sealed class OpLoadContext(GraphNode node, long opset, IReadOnlyDictionary<string, Tensor> constants, CpuFeatures cpu,
    WeightPacking? weights = null)
{
    private readonly WeightPacking _weights = weights ?? new WeightPacking(SgemmKernelInfo.Select(cpu));

    public GraphNode Node { get; } = node;

    public long Opset { get; } = opset;

    public CpuFeatures Cpu { get; } = cpu;

    /// <summary>
    /// The SGEMM kernel constant weights are packed for. Weights known only at run time, and everything that is not a
    /// constant-weight GEMM, stay fp32 whatever this is.
    /// </summary>
    public SgemmKernelKind WeightKernel => _weights.Kernel;

    /// <summary>Packs a constant weight B ([K, N], or [N, K] when <paramref name="transB"/>) for <see cref="WeightKernel"/>.</summary>
    public SgemmPackedB PackWeight(ReadOnlySpan<float> b, int k, int n, bool transB) => _weights.Pack(b, k, n, transB);

    public NodeAttributes Attributes => Node.Attributes;

    /// <summary>The input's value when it is a constant (initializer or Constant node), else null.</summary>
    public Tensor? Constant(int input) =>
        Node.HasInput(input) && constants.TryGetValue(Node.Inputs[input], out Tensor? t) ? t : null;

    public bool HasInput(int input) => Node.HasInput(input);

    /// <summary>An error for an attribute value or input the kernel does not handle, naming node, op, domain and opset.</summary>
    public UnsupportedOperatorException Unsupported(string reason) =>
        new(Node.Name, Node.OpType, Node.Domain, Opset, reason);

    /// <summary>Requires at least <paramref name="min"/> inputs; a model error otherwise.</summary>
    public void RequireInputs(int min)
    {
        for (int i = 0; i < min; i++)
            if (!Node.HasInput(i))
                throw new OnnxModelException($"node '{Node.Name}' ({Node.OpType}) needs input {i}, which is missing");
    }
}
