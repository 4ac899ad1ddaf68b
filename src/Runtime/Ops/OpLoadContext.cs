using MlNetGraviton.Kernels;
using MlNetGraviton.Runtime.Graph;

namespace MlNetGraviton.Runtime.Ops;

/// <summary>What an <see cref="OpFactory"/> sees at load: the node, the opset it is interpreted under, its constant inputs, the CPU.</summary>
internal sealed class OpLoadContext(GraphNode node, long opset, IReadOnlyDictionary<string, Tensor> constants, CpuFeatures cpu)
{
    public GraphNode Node { get; } = node;

    public long Opset { get; } = opset;

    public CpuFeatures Cpu { get; } = cpu;

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
