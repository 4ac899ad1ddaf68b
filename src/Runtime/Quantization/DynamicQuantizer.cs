using Google.Protobuf;
using MlNetGraviton.Kernels.Quantization;
using Onnx;

namespace MlNetGraviton.Runtime.Quantization;

/// <summary>
/// Dynamic int8 quantization of an ONNX model, writing the op pattern ONNX Runtime's Python quantize_dynamic writes
/// for a MatMul whose B is a constant 2-D float32 weight:
/// <code>
/// A ─ DynamicQuantizeLinear ─► A_quantized, A_scale, A_zero_point
/// MatMulInteger(A_quantized, W_quantized, A_zero_point, W_zero_point) ─ Cast(float) ─ Mul(·, Mul(A_scale, W_scale)) ─► Y
/// </code>
/// Weights become symmetric s8 (zero point 0), per tensor or per output column; activations are quantized to u8 on each
/// run, once per distinct activation (MatMuls that share an input share its DynamicQuantizeLinear). A bias Add after the
/// MatMul stays as it is. Everything else in the model is kept; the result runs on ONNX Runtime and on the graviton engine.
/// </summary>
public static class DynamicQuantizer
{
    /// <summary>
    /// Bumped whenever the quantizer writes a different graph for the same input (2: a constant Transpose of a weight, a tied
    /// LM head, is folded and quantized), so files cached from an older revision are rebuilt rather than reused.
    /// </summary>
    public const int Revision = 2;

    /// <summary>The first default-domain opset with DynamicQuantizeLinear.</summary>
    public const int MinimumOpset = 11;

    /// <summary>Quantizes a copy of <paramref name="model"/> (the argument is not changed).</summary>
    public static ModelProto Quantize(ModelProto model, DynamicQuantizationOptions? options = null) =>
        Quantize(model, options, out _);

    /// <summary>Quantizes a copy of <paramref name="model"/> and reports what it did.</summary>
    public static ModelProto Quantize(ModelProto model, DynamicQuantizationOptions? options, out DynamicQuantizationReport report)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new DynamicQuantizationOptions();
        ModelProto result = model.Clone();
        GraphProto graph = result.Graph ?? throw new ArgumentException("the model has no graph; is it an ONNX model?", nameof(model));
        report = new Rewriter(result, graph, options).Run();
        return result;
    }

    /// <summary>Reads <paramref name="inputPath"/>, quantizes it and writes <paramref name="outputPath"/>.</summary>
    public static DynamicQuantizationReport QuantizeFile(string inputPath, string outputPath, DynamicQuantizationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ModelProto model = ReadModel(inputPath);
        ModelProto quantized = Quantize(model, options, out DynamicQuantizationReport report);
        using (var stream = File.Create(outputPath))
            quantized.WriteTo(stream);
        return report;
    }

    internal static ModelProto ReadModel(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"ONNX model file not found: {path}", path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} is not a valid ONNX model (protobuf parse failed: {e.Message})", e);
        }
    }

    private sealed class Rewriter(ModelProto model, GraphProto graph, DynamicQuantizationOptions options)
    {
        private readonly GraphNames _names = new(graph);
        private readonly Dictionary<string, TensorProto> _initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        private readonly HashSet<string> _graphInputs = graph.Input.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Q, string Scale, string ZeroPoint)> _activations = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Q, string Scale, string ZeroPoint)> _weights = new(StringComparer.Ordinal);
        private readonly List<TensorProto> _added = [];
        private readonly List<string> _quantized = [];
        private readonly List<SkippedMatMul> _skipped = [];
        private long _floatBytes, _int8Bytes;

        // Transpose (perm [1, 0]) of a 2-D float initializer, by output name: the B of a tied LM head (logits = h·wteᵀ).
        // ONNX Runtime's quant_pre_process folds such a Transpose into an initializer before quantize_dynamic, and a
        // constant-folded export has the initializer already; here the MatMul gets the transposed weight quantized and
        // the Transpose goes when nothing else reads it.
        private Dictionary<string, NodeProto> _constantTransposes = [];

        private Dictionary<string, NodeProto> ConstantTransposes() => graph.Node
            .Where(n => n.OpType == "Transpose" && n.Domain is "" or "ai.onnx" && n.Input.Count == 1 && n.Output.Count == 1
                        && !_graphInputs.Contains(n.Input[0]) && !graph.Output.Any(o => o.Name == n.Output[0])
                        && _initializers.TryGetValue(n.Input[0], out TensorProto? t) && t!.Dims.Count == 2
                        && n.Attribute.Where(a => a.Name == "perm").All(a => a.Ints.Count == 2 && a.Ints[0] == 1 && a.Ints[1] == 0))
            .GroupBy(n => n.Output[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        public DynamicQuantizationReport Run()
        {
            _constantTransposes = ConstantTransposes();
            var nodes = new List<NodeProto>(graph.Node.Count);
            foreach (NodeProto node in graph.Node)
            {
                if (node.OpType != "MatMul" || node.Domain is not ("" or "ai.onnx") || node.Input.Count != 2)
                {
                    nodes.Add(node);
                    continue;
                }
                string? reason = WhyNot(node);
                if (reason is not null)
                {
                    _skipped.Add(new SkippedMatMul(node.Name, reason));
                    nodes.Add(node);
                    continue;
                }
                Rewrite(node, nodes);
            }
            if (_quantized.Count > 0)
            {
                // A folded Transpose that only quantized MatMuls read is dropped.
                var read = new HashSet<string>(nodes.SelectMany(n => n.Input), StringComparer.Ordinal);
                nodes.RemoveAll(n => _constantTransposes.TryGetValue(n.Output[0], out NodeProto? t) && ReferenceEquals(t, n)
                                     && _weights.ContainsKey(n.Output[0]) && !read.Contains(n.Output[0]));
                long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
                if (opset < MinimumOpset)
                    throw new InvalidOperationException(
                        $"the model imports the default ONNX domain at opset {opset}; DynamicQuantizeLinear needs opset {MinimumOpset} or later " +
                        "(convert the model to a newer opset first)");
                graph.Node.Clear();
                graph.Node.AddRange(nodes);
                RemoveUnusedFloatWeights();
                graph.Initializer.AddRange(_added);
            }
            return new DynamicQuantizationReport(_quantized, _skipped, _activations.Count, _floatBytes, _int8Bytes, options.PerChannel);
        }

        private string? WhyNot(NodeProto node)
        {
            if (options.NodesToExclude.Contains(node.Name))
                return "excluded by the options";
            if (_graphInputs.Contains(node.Input[1])
                || !_initializers.TryGetValue(node.Input[1], out TensorProto? w) && !TryFoldTranspose(node.Input[1], out w) || w is null)
                return "B is not a constant initializer (nor the Transpose of one)";
            if (w.DataType != (int)TensorProto.Types.DataType.Float)
                return $"B '{w.Name}' is not float32";
            if (w.Dims.Count != 2)
                return $"B '{w.Name}' has rank {w.Dims.Count}, not 2";
            if (w.Dims[0] < 1 || w.Dims[1] < 1)
                return $"B '{w.Name}' is empty";
            if (w.DataLocation == TensorProto.Types.DataLocation.External)
                return $"B '{w.Name}' is stored as external data, which the quantizer does not read";
            return null;
        }

        /// <summary>The transposed weight a constant Transpose yields, as an initializer named after its output (kept for <see cref="Rewrite"/>).</summary>
        private bool TryFoldTranspose(string name, out TensorProto? weight)
        {
            weight = null;
            if (!_constantTransposes.TryGetValue(name, out NodeProto? transpose))
                return false;
            TensorProto source = _initializers[transpose.Input[0]];
            if (source.DataType != (int)TensorProto.Types.DataType.Float || source.DataLocation == TensorProto.Types.DataLocation.External)
            {
                weight = source; // WhyNot names what is wrong with it
                return true;
            }
            float[] values = FloatInitializer.Read(source);
            int rows = checked((int)source.Dims[0]), columns = checked((int)source.Dims[1]);
            var transposed = new float[values.Length];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                    transposed[(long)c * rows + r] = values[(long)r * columns + c];
            weight = FloatInitializer.Float(name, transposed, columns, rows);
            _initializers[name] = weight;
            return true;
        }

        private void Rewrite(NodeProto node, List<NodeProto> nodes)
        {
            string a = node.Input[0], w = node.Input[1], y = node.Output[0];
            string baseName = node.Name.Length > 0 ? node.Name : y;
            if (!_activations.TryGetValue(a, out var qa))
            {
                qa = (_names.Claim(a + "_quantized"), _names.Claim(a + "_scale"), _names.Claim(a + "_zero_point"));
                _activations[a] = qa;
                var dql = new NodeProto { Name = _names.Claim(a + "_QuantizeLinear"), OpType = "DynamicQuantizeLinear" };
                dql.Input.Add(a);
                dql.Output.Add(qa.Q);
                dql.Output.Add(qa.Scale);
                dql.Output.Add(qa.ZeroPoint);
                nodes.Add(dql);
            }
            if (!_weights.TryGetValue(w, out var qw))
                _weights[w] = qw = QuantizeWeight(_initializers[w]);

            string integerName = _names.Claim(baseName + "_quant");
            string integerOutput = _names.Claim(y + "_output_quantized");
            var matMulInteger = new NodeProto { Name = integerName, OpType = "MatMulInteger" };
            matMulInteger.Input.AddRange([qa.Q, qw.Q, qa.ZeroPoint, qw.ZeroPoint]);
            matMulInteger.Output.Add(integerOutput);

            string castOutput = _names.Claim(integerOutput + "_cast_output");
            var cast = new NodeProto { Name = _names.Claim(integerOutput + "_cast"), OpType = "Cast" };
            cast.Input.Add(integerOutput);
            cast.Output.Add(castOutput);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });

            string scalesName = _names.Claim(integerName + "_scales_mul");
            string scalesOutput = _names.Claim(scalesName + ":0");
            var scales = new NodeProto { Name = scalesName, OpType = "Mul" };
            scales.Input.AddRange([qa.Scale, qw.Scale]);
            scales.Output.Add(scalesOutput);

            var output = new NodeProto { Name = _names.Claim(integerName + "_output_scale_mul"), OpType = "Mul" };
            output.Input.AddRange([castOutput, scalesOutput]);
            output.Output.Add(y);

            nodes.AddRange([matMulInteger, cast, scales, output]);
            _quantized.Add(node.Name);
        }

        private (string Q, string Scale, string ZeroPoint) QuantizeWeight(TensorProto w)
        {
            float[] values = FloatInitializer.Read(w);
            int k = checked((int)w.Dims[0]), n = checked((int)w.Dims[1]);
            var q = new sbyte[values.Length];
            float[] scale;
            if (options.PerChannel)
            {
                scale = new float[n];
                if (options.ReduceRange)
                    ReducedRangeWeights.PerColumn(values, k, n, q, scale);
                else
                    WeightQuantize.SymmetricPerColumn(values, k, n, q, scale);
            }
            else
            {
                float s;
                if (options.ReduceRange)
                    ReducedRangeWeights.PerTensor(values, q, out s);
                else
                    WeightQuantize.SymmetricPerTensor(values, q, out s);
                scale = [s];
            }
            long[] paramDims = options.PerChannel ? [n] : [];
            var names = (Q: _names.Claim(w.Name + "_quantized"), Scale: _names.Claim(w.Name + "_scale"), ZeroPoint: _names.Claim(w.Name + "_zero_point"));
            _added.Add(FloatInitializer.Int8(names.Q, q, k, n));
            _added.Add(FloatInitializer.Float(names.Scale, scale, paramDims));
            _added.Add(FloatInitializer.Int8(names.ZeroPoint, new sbyte[scale.Length], paramDims));
            _floatBytes += values.Length * sizeof(float);
            _int8Bytes += q.Length + scale.Length * (sizeof(float) + 1);
            return names;
        }

        // A float weight whose only readers were quantized MatMuls (or a folded Transpose) is dropped; one still read
        // elsewhere stays (a tied LM head's embedding, which Gather reads).
        private void RemoveUnusedFloatWeights()
        {
            var read = new HashSet<string>(graph.Node.SelectMany(n => n.Input), StringComparer.Ordinal);
            read.UnionWith(graph.Output.Select(o => o.Name));
            IEnumerable<string> sources = _weights.Keys.Where(_constantTransposes.ContainsKey).Select(w => _constantTransposes[w].Input[0]);
            foreach (string w in _weights.Keys.Concat(sources).Distinct(StringComparer.Ordinal).ToList())
            {
                if (read.Contains(w))
                    continue;
                graph.Initializer.Remove(_initializers[w]);
                for (int i = graph.Input.Count - 1; i >= 0; i--)
                    if (graph.Input[i].Name == w)
                        graph.Input.RemoveAt(i);
            }
        }
    }
}
