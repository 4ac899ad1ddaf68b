using Onnx;

namespace MlNetGraviton.Runtime.Quantization;

/// <summary>
/// Rewrites ONNX Runtime's dynamic-quantization pattern into one com.microsoft DynamicQuantizeMatMul node per MatMul,
/// the node whose kernel quantizes A, runs QGEMM on the prepacked B and dequantizes (with bias) in the GEMM epilogue:
/// <code>
/// DynamicQuantizeLinear(x) → MatMulInteger(x_q, B, x_zp, B_zp?) → Cast(float) → Mul(·, Mul(x_scale, B_scale))   [→ Add(·, bias)]
/// DynamicQuantizeLinear(x) → MatMulInteger(x_q, B, x_zp, B_zp?) → Cast(float) → Mul(·, x_scale) → Mul(·, B_scale) [→ Add(·, bias)]
/// </code>
/// B, B_scale, B_zp and bias must be initializers (B 2-D int8/uint8; B_scale scalar or one per column; bias one per
/// column), and every intermediate value must have no other reader. Anything else is left as it is, and runs on the
/// unfused kernels. A DynamicQuantizeLinear whose readers were all fused is removed.
/// </summary>
internal static class QuantizedMatMulFusion
{
    public const string Domain = "com.microsoft";

    /// <summary>Returns a rewritten copy of <paramref name="model"/> and how many MatMuls were fused.</summary>
    public static ModelProto Apply(ModelProto model, out int fused)
    {
        ModelProto result = model.Clone();
        fused = new Matcher(result.Graph).Run();
        if (fused > 0 && !result.OpsetImport.Any(o => o.Domain == Domain))
            result.OpsetImport.Add(new OperatorSetIdProto { Domain = Domain, Version = 1 });
        return result;
    }

    private sealed class Matcher(GraphProto graph)
    {
        private readonly Dictionary<string, TensorProto> _initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        private readonly HashSet<string> _graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        private readonly Dictionary<string, NodeProto> _producer = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<NodeProto>> _readers = new(StringComparer.Ordinal);
        private readonly GraphNames _names = new(graph);

        public int Run()
        {
            foreach (NodeProto n in graph.Node)
            {
                foreach (string o in n.Output)
                    _producer[o] = n;
                foreach (string i in n.Input.Where(i => i.Length > 0))
                {
                    if (!_readers.TryGetValue(i, out List<NodeProto>? list))
                        _readers[i] = list = [];
                    list.Add(n);
                }
            }

            var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
            var replacement = new Dictionary<NodeProto, NodeProto>(ReferenceEqualityComparer.Instance); // last node of a chain → fused node
            foreach (NodeProto m in graph.Node)
            {
                if (m.OpType != "MatMulInteger" || !IsDefaultDomain(m) || TryMatch(m) is not { } match)
                    continue;
                removed.UnionWith(match.Chain);
                replacement[match.Chain[^1]] = match.Fused;
            }
            if (replacement.Count == 0)
                return 0;

            // A DynamicQuantizeLinear goes when no node that stays reads any of its outputs.
            foreach (NodeProto d in graph.Node.Where(n => n.OpType == "DynamicQuantizeLinear" && IsDefaultDomain(n)))
                if (d.Output.All(o => !_graphOutputs.Contains(o) && Readers(o).All(removed.Contains)))
                    removed.Add(d);

            var nodes = new List<NodeProto>(graph.Node.Count);
            foreach (NodeProto n in graph.Node)
            {
                if (replacement.TryGetValue(n, out NodeProto? fusedNode))
                    nodes.Add(fusedNode);
                else if (!removed.Contains(n))
                    nodes.Add(n);
            }
            graph.Node.Clear();
            graph.Node.AddRange(nodes);
            return replacement.Count;
        }

        private (List<NodeProto> Chain, NodeProto Fused)? TryMatch(NodeProto m)
        {
            if (m.Input.Count < 3 || !_producer.TryGetValue(m.Input[0], out NodeProto? dql) || dql.OpType != "DynamicQuantizeLinear"
                || !IsDefaultDomain(dql) || dql.Output.Count < 3 || dql.Output[0] != m.Input[0] || m.Input[2] != dql.Output[2])
                return null;
            if (!_initializers.TryGetValue(m.Input[1], out TensorProto? b) || b.Dims.Count != 2
                || b.DataType is not ((int)TensorProto.Types.DataType.Int8 or (int)TensorProto.Types.DataType.Uint8))
                return null;
            long n = b.Dims[1];
            string bZeroPoint = m.Input.Count > 3 ? m.Input[3] : "";
            if (bZeroPoint.Length > 0 && !_initializers.ContainsKey(bZeroPoint))
                return null;

            var chain = new List<NodeProto> { m };
            if (SoleReader(m.Output[0]) is not { OpType: "Cast" } cast || !IsDefaultDomain(cast)
                || cast.Attribute.FirstOrDefault(a => a.Name == "to")?.I != (long)TensorProto.Types.DataType.Float)
                return null;
            chain.Add(cast);
            if (SoleReader(cast.Output[0]) is not { OpType: "Mul" } mul1 || !IsDefaultDomain(mul1))
                return null;
            chain.Add(mul1);
            string aScale = dql.Output[1];
            string? bScale;
            NodeProto last = mul1;
            string factor = Other(mul1, cast.Output[0]);
            if (factor == aScale || IsConstantScale(factor, n))
            {
                // Two Muls: one by x_scale, one by B_scale, in either order.
                if (SoleReader(mul1.Output[0]) is not { OpType: "Mul" } mul2 || !IsDefaultDomain(mul2))
                    return null;
                string second = Other(mul2, mul1.Output[0]);
                if (factor == aScale && IsConstantScale(second, n))
                    bScale = second;
                else if (second == aScale && IsConstantScale(factor, n))
                    bScale = factor;
                else
                    return null;
                chain.Add(mul2);
                last = mul2;
            }
            else
            {
                // One Mul by Mul(x_scale, B_scale).
                if (!_producer.TryGetValue(factor, out NodeProto? scales) || scales.OpType != "Mul" || !IsDefaultDomain(scales) || scales.Input.Count != 2)
                    return null;
                bScale = scales.Input[0] == aScale ? scales.Input[1] : scales.Input[1] == aScale ? scales.Input[0] : null;
                if (bScale is null || !IsConstantScale(bScale, n))
                    return null;
                if (Readers(factor).Count == 1 && !_graphOutputs.Contains(factor))
                    chain.Insert(chain.Count - 1, scales);
            }

            string output = last.Output[0];
            string bias = "";
            if (SoleReader(output) is { OpType: "Add" } add && IsDefaultDomain(add)
                && _initializers.TryGetValue(Other(add, output), out TensorProto? b2)
                && b2.DataType == (int)TensorProto.Types.DataType.Float && b2.Dims.Count == 1 && b2.Dims[0] == n)
            {
                bias = b2.Name;
                chain.Add(add);
                output = add.Output[0];
            }

            var fused = new NodeProto { Name = _names.Claim(m.Name.Length > 0 ? m.Name + "_fused" : output + "_DynamicQuantizeMatMul"), OpType = "DynamicQuantizeMatMul", Domain = Domain };
            fused.Input.AddRange([dql.Input[0], m.Input[1], bScale, bZeroPoint, bias]);
            while (fused.Input.Count > 3 && fused.Input[^1].Length == 0)
                fused.Input.RemoveAt(fused.Input.Count - 1);
            fused.Output.Add(output);
            return (chain, fused);
        }

        private bool IsConstantScale(string name, long n) =>
            _initializers.TryGetValue(name, out TensorProto? t) && t.DataType == (int)TensorProto.Types.DataType.Float
            && (t.Dims.Count == 0 || (t.Dims.Count == 1 && (t.Dims[0] == 1 || t.Dims[0] == n)));

        /// <summary>The one node reading <paramref name="value"/>, when exactly one does and it is not a graph output.</summary>
        private NodeProto? SoleReader(string value) =>
            !_graphOutputs.Contains(value) && Readers(value) is [NodeProto only] ? only : null;

        private List<NodeProto> Readers(string value) => _readers.TryGetValue(value, out List<NodeProto>? r) ? r : [];

        private static string Other(NodeProto binary, string known) =>
            binary.Input.Count != 2 ? "" : binary.Input[0] == known ? binary.Input[1] : binary.Input[0];

        private static bool IsDefaultDomain(NodeProto n) => n.Domain is "" or "ai.onnx";
    }
}
