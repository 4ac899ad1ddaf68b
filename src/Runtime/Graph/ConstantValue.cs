namespace MlNetGraviton.Runtime.Graph;

/// <summary>The tensor a Constant node stands for; Constant nodes are folded into the graph's constants at load.</summary>
internal static class ConstantValue
{
    public static Tensor Of(GraphNode node, long opset)
    {
        NodeAttributes a = node.Attributes;
        if (a.Has("sparse_value") || a.Has("value_string") || a.Has("value_strings"))
            throw new UnsupportedOperatorException(node.Name, node.OpType, node.Domain, opset,
                "with a sparse or string value is not supported by the graviton engine");
        if (a.GetTensor("value") is { } tensor)
            return tensor;
        if (a.Has("value_float"))
            return Tensor.Create(new[] { a.GetFloat("value_float", 0) });
        if (a.GetFloats("value_floats") is { } floats)
            return Tensor.Create(floats, floats.Length);
        if (a.Has("value_int"))
            return Tensor.Create(new[] { a.GetInt("value_int", 0) });
        if (a.GetInts("value_ints") is { } ints)
            return Tensor.Create(ints, ints.Length);
        throw new OnnxModelException($"Constant node '{node.Name}' has no value attribute");
    }
}
