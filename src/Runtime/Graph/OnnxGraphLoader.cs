using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Runtime.Graph;

/// <summary>
/// Reads an ONNX file (or its bytes) into an <see cref="OnnxGraph"/> and checks what ONNX requires of it: it parses,
/// it has a graph, every node input is produced by something, names are produced once, there is no cycle, every
/// domain a node uses is imported. Errors name the file and the node.
/// </summary>
internal static class OnnxGraphLoader
{
    public static OnnxGraph Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"ONNX model file not found: {path}", path);
        string full = Path.GetFullPath(path);
        ModelProto model;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            model = Parse(() => ModelProto.Parser.ParseFrom(stream), Path.GetFileName(full));
        return Build(model, Path.GetFileName(full), Path.GetDirectoryName(full));
    }

    /// <summary>Loads from memory; such a model cannot use external data (there is no folder to confine it to).</summary>
    public static OnnxGraph Load(ReadOnlySpan<byte> bytes, string source = "model bytes")
    {
        byte[] copy = bytes.ToArray();
        ModelProto model = Parse(() => ModelProto.Parser.ParseFrom(copy), source);
        return Build(model, source, modelFolder: null);
    }

    private static ModelProto Parse(Func<ModelProto> parse, string source)
    {
        try
        {
            return parse();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxModelException($"{source} is not a valid ONNX model (protobuf parse failed: {e.Message}); is the file truncated?", e);
        }
    }

    internal static OnnxGraph Build(ModelProto model, string source, string? modelFolder)
    {
        GraphProto graph = model.Graph ?? throw new OnnxModelException($"{source} has no graph; is it an ONNX model?");
        if (graph.Node.Count == 0 && graph.Output.Count == 0)
            throw new OnnxModelException($"{source} has an empty graph (no nodes, no outputs); is it an ONNX model?");

        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (OperatorSetIdProto import in model.OpsetImport)
            opsets[OnnxGraph.NormalizeDomain(import.Domain)] = import.Version;
        if (opsets.Count == 0)
            opsets[""] = 1; // IR version 2 files have no opset_import and mean opset 1

        var reader = new OnnxTensorReader(source, modelFolder);
        var constants = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (TensorProto init in graph.Initializer)
        {
            if (string.IsNullOrEmpty(init.Name))
                throw new OnnxModelException($"{source}: an initializer has no name");
            constants[init.Name] = reader.Read(init, $"initializer '{init.Name}'");
        }
        if (graph.SparseInitializer.Count > 0)
            throw new OnnxModelException($"{source}: sparse initializers are not supported by the graviton engine");

        var inputs = new List<TensorInfo>();
        foreach (ValueInfoProto v in graph.Input)
            if (!constants.ContainsKey(v.Name)) // IR ≥ 4 may list initializers as inputs; they stay constants here
                inputs.Add(ToInfo(v, source, "input"));
        var outputs = graph.Output.Select(v => ToInfo(v, source, "output")).ToList();
        var declared = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (ValueInfoProto v in graph.ValueInfo)
            if (v.Type?.TensorType is not null && TryToInfo(v, out TensorInfo? info))
                declared[v.Name] = info;

        var nodes = new List<GraphNode>();
        int unnamed = 0;
        foreach (NodeProto proto in graph.Node)
        {
            string name = string.IsNullOrEmpty(proto.Name) ? $"{proto.OpType}_{unnamed++}(unnamed)" : proto.Name;
            string domain = OnnxGraph.NormalizeDomain(proto.Domain);
            if (!opsets.ContainsKey(domain))
                throw new OnnxModelException(
                    $"{source}: node '{name}' ({proto.OpType}) uses domain '{UnsupportedOperatorException.DisplayDomain(domain)}', which the model does not import (opset_import)");
            var attributes = new NodeAttributes(name, proto.Attribute, t => reader.Read(t, $"a tensor attribute of node '{name}'"));
            var node = new GraphNode(name, proto.OpType, domain, proto.Input.ToArray(), proto.Output.ToArray(), attributes);
            if (domain.Length == 0 && proto.OpType == "Constant")
            {
                if (!node.HasOutput(0))
                    throw new OnnxModelException($"{source}: Constant node '{name}' has no output");
                constants[node.Outputs[0]] = ConstantValue.Of(node, opsets[""]);
                continue;
            }
            nodes.Add(node);
        }

        List<GraphNode> ordered = Sort(nodes, inputs, constants, source);
        var available = new HashSet<string>(inputs.Select(i => i.Name), StringComparer.Ordinal);
        available.UnionWith(constants.Keys);
        foreach (GraphNode n in ordered)
            foreach (string o in n.Outputs)
                if (o.Length > 0)
                    available.Add(o);
        foreach (TensorInfo o in outputs)
            if (!available.Contains(o.Name))
                throw new OnnxModelException($"{source}: graph output '{o.Name}' is produced by no node, input or initializer");

        return new OnnxGraph
        {
            Source = source,
            Opsets = opsets,
            Nodes = ordered,
            Constants = constants,
            Inputs = inputs,
            Outputs = outputs,
            DeclaredValues = declared,
        };
    }

    /// <summary>Kahn's order, keeping the file's order among ready nodes. Missing producers and cycles are errors.</summary>
    private static List<GraphNode> Sort(List<GraphNode> nodes, List<TensorInfo> inputs, Dictionary<string, Tensor> constants, string source)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        var known = new HashSet<string>(inputs.Select(i => i.Name), StringComparer.Ordinal);
        known.UnionWith(constants.Keys);
        for (int i = 0; i < nodes.Count; i++)
            foreach (string o in nodes[i].Outputs)
            {
                if (o.Length == 0)
                    continue;
                if (known.Contains(o) || !producer.TryAdd(o, i))
                    throw new OnnxModelException($"{source}: node '{nodes[i].Name}' ({nodes[i].OpType}) writes '{o}', which is already defined elsewhere in the graph");
            }

        var pending = new int[nodes.Count];
        var consumers = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            consumers[i] = [];
        }
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (string input in nodes[i].Inputs.Distinct())
            {
                if (input.Length == 0 || known.Contains(input))
                    continue;
                if (!producer.TryGetValue(input, out int p))
                    throw new OnnxModelException(
                        $"{source}: node '{nodes[i].Name}' ({nodes[i].OpType}) reads '{input}', which no node, graph input or initializer produces");
                pending[i]++;
                consumers[p].Add(i);
            }
        }

        List<GraphNode> order = StableTopologicalOrder.Drain(nodes, pending, consumers);
        if (order.Count != nodes.Count)
        {
            int stuck = Array.FindIndex(pending, p => p > 0);
            throw new OnnxModelException(
                $"{source}: the graph has a cycle through node '{nodes[stuck].Name}' ({nodes[stuck].OpType}); ONNX graphs must be acyclic");
        }
        return order;
    }

    private static TensorInfo ToInfo(ValueInfoProto v, string source, string role)
    {
        if (string.IsNullOrEmpty(v.Name))
            throw new OnnxModelException($"{source}: a graph {role} has no name");
        TypeProto.Types.Tensor? tensor = v.Type?.TensorType;
        if (tensor is null)
            throw new UnsupportedElementTypeException($"{source}: graph {role} '{v.Name}' is not a tensor (sequences and maps are not supported)");
        TensorElementType type = OnnxTensorReader.ElementTypeOf(tensor.ElemType, () => $"{source}: graph {role} '{v.Name}' has ONNX data type {OnnxTensorReader.DataTypeName(tensor.ElemType)}");
        return ShapeOf(v.Name, type, tensor);
    }

    private static bool TryToInfo(ValueInfoProto v, out TensorInfo info)
    {
        info = null!;
        try
        {
            info = ShapeOf(v.Name, OnnxTensorReader.ElementTypeOf(v.Type.TensorType.ElemType, () => v.Name), v.Type.TensorType);
            return true;
        }
        catch (UnsupportedElementTypeException)
        {
            return false;
        }
    }

    private static TensorInfo ShapeOf(string name, TensorElementType type, TypeProto.Types.Tensor tensor)
    {
        // A missing shape means "any rank"; the engine needs a rank to validate, so it treats it as rank unknown (-1 dims list empty).
        TensorShapeProto? shape = tensor.Shape;
        int rank = shape?.Dim.Count ?? 0;
        var dims = new long[rank];
        var symbols = new string?[rank];
        for (int i = 0; i < rank; i++)
        {
            TensorShapeProto.Types.Dimension d = shape!.Dim[i];
            if (d.HasDimValue && d.DimValue >= 0)
                dims[i] = d.DimValue;
            else
            {
                dims[i] = -1;
                symbols[i] = d.HasDimParam && d.DimParam.Length > 0 ? d.DimParam : null;
            }
        }
        return new TensorInfo(name, type, dims, symbols);
    }
}
