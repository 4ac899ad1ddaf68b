namespace MlNetGraviton.Runtime.Graph;

/// <summary>
/// One node of a loaded graph. Input names are "" where an optional input is left out; <see cref="Domain"/> is ""
/// for the default ONNX domain (ai.onnx is normalised to "").
/// </summary>
internal sealed class GraphNode(string name, string opType, string domain, string[] inputs, string[] outputs, NodeAttributes attributes)
{
    public string Name { get; } = name;

    public string OpType { get; } = opType;

    public string Domain { get; } = domain;

    public string[] Inputs { get; } = inputs;

    public string[] Outputs { get; } = outputs;

    public NodeAttributes Attributes { get; } = attributes;

    public bool HasInput(int index) => index < Inputs.Length && Inputs[index].Length > 0;

    public bool HasOutput(int index) => index < Outputs.Length && Outputs[index].Length > 0;

    public override string ToString() => $"{OpType} '{Name}'";
}
