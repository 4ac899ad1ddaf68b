using Google.Protobuf;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Ops;
using Onnx;

namespace MlNetGraviton.Runtime.Conformance;

/// <summary>
/// Runs ONNX's backend node tests (model.onnx + test_data_set_N/{input,output}_N.pb per folder) on the graviton engine.
/// A test whose ops all have kernels must pass; one with an op the engine lacks is skipped with the reason, and so is
/// one the engine refuses at load with its clear unsupported error (an attribute or element type it documents it does not
/// handle). Anything else (a wrong value, a crash, another load error) is a failure.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>Runs every test (or those of <see cref="ConformanceOptions.Op"/>).</summary>
    public static ConformanceReport Run(ConformanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConformanceReport(Discover(options).Select(c => RunTest(c, options.Threads)).ToList());
    }

    /// <summary>The node tests under the data folder, in name order, each with whether the engine claims its ops.</summary>
    public static IReadOnlyList<NodeTestCase> Discover(ConformanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!System.IO.Directory.Exists(options.DataDirectory))
            throw new DirectoryNotFoundException(
                $"ONNX node tests not found in '{options.DataDirectory}': install Debian's libonnx-testdata " +
                $"(apt-get install libonnx-testdata), or point {ConformanceOptions.DataDirectoryVariable} or --data at a copy");
        string[] dirs = System.IO.Directory.GetDirectories(options.DataDirectory)
            .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToArray();
        var byName = new Dictionary<string, (ModelProto? Model, string? Error)>(StringComparer.Ordinal);
        foreach (string dir in dirs)
            byName[Path.GetFileName(dir)] = ReadModel(Path.Combine(dir, "model.onnx"));

        var cases = new List<NodeTestCase>(dirs.Length);
        foreach (string dir in dirs)
        {
            string name = Path.GetFileName(dir);
            var (model, error) = byName[name];
            string op = OpOf(name, model, byName);
            if (options.Op is not null && !string.Equals(op, options.Op, StringComparison.OrdinalIgnoreCase))
                continue;
            cases.Add(new NodeTestCase(name, dir, op, model is null ? null : UnsupportedOps(model)));
            // A model that does not parse is left supported so that running it reports the parse error as a failure.
            _ = error;
        }
        return cases;
    }

    /// <summary>Runs one test: skipped when its ops are unsupported, else load, feed every data set, compare every output.</summary>
    public static NodeTestResult RunTest(NodeTestCase test, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (!test.IsSupported)
            return new NodeTestResult(test.Name, test.Op, NodeTestOutcome.Skipped, test.UnsupportedReason!);
        GravitonSession session;
        try
        {
            session = new GravitonSession(test.ModelPath, threads);
        }
        catch (Exception e) when (e is UnsupportedOperatorException or UnsupportedElementTypeException)
        {
            return new NodeTestResult(test.Name, test.Op, NodeTestOutcome.Skipped, "refused at load: " + e.Message);
        }
        catch (Exception e)
        {
            return Failure(test, $"load failed: {e.GetType().Name}: {e.Message}");
        }
        using (session)
        {
            string[] sets = System.IO.Directory.GetDirectories(test.Directory, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal).ToArray();
            if (sets.Length == 0)
                return Failure(test, "no test_data_set_* folder");
            ConformanceTolerance tolerance = ConformanceTolerance.For(test.Op);
            foreach (string set in sets)
            {
                string? problem = RunDataSet(session, test, set, tolerance);
                if (problem is not null)
                    return Failure(test, $"{Path.GetFileName(set)}: {problem}");
            }
        }
        return new NodeTestResult(test.Name, test.Op, NodeTestOutcome.Passed, "");
    }

    private static string? RunDataSet(GravitonSession session, NodeTestCase test, string set, ConformanceTolerance tolerance)
    {
        var reader = new OnnxTensorReader(test.Name, modelFolder: null);
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var expected = new List<(string Name, Tensor Value)>();
        try
        {
            for (int i = 0; File.Exists(Path.Combine(set, $"input_{i}.pb")); i++)
            {
                if (i >= session.Inputs.Count)
                    return $"input_{i}.pb has no graph input to feed (the graph has {session.Inputs.Count})";
                inputs[session.Inputs[i].Name] = ReadTensor(reader, Path.Combine(set, $"input_{i}.pb"));
            }
            for (int i = 0; File.Exists(Path.Combine(set, $"output_{i}.pb")); i++)
            {
                if (i >= session.Outputs.Count)
                    return $"output_{i}.pb has no graph output to compare with (the graph has {session.Outputs.Count})";
                expected.Add((session.Outputs[i].Name, ReadTensor(reader, Path.Combine(set, $"output_{i}.pb"))));
            }
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or OnnxModelException or UnsupportedElementTypeException)
        {
            return $"cannot read the test data: {e.Message}";
        }

        IReadOnlyDictionary<string, Tensor> actual;
        try
        {
            actual = session.Run(inputs, expected.Select(e => e.Name).ToArray());
        }
        catch (Exception e)
        {
            return $"run failed: {e.GetType().Name}: {e.Message}";
        }
        foreach (var (name, value) in expected)
        {
            string? mismatch = OutputComparer.FirstMismatch(name, value, actual[name], tolerance);
            if (mismatch is not null)
                return mismatch;
        }
        return null;
    }

    private static Tensor ReadTensor(OnnxTensorReader reader, string path)
    {
        TensorProto proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        return reader.Read(proto, Path.GetFileName(path));
    }

    private static NodeTestResult Failure(NodeTestCase test, string detail) =>
        new(test.Name, test.Op, NodeTestOutcome.Failed, detail);

    private static (ModelProto? Model, string? Error) ReadModel(string path)
    {
        try
        {
            return (ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)), null);
        }
        catch (InvalidProtocolBufferException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Null when every node has a kernel at the model's opset, else the unsupported ops, e.g. "Conv (ai.onnx opset 11)".</summary>
    private static string? UnsupportedOps(ModelProto model)
    {
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (OperatorSetIdProto import in model.OpsetImport)
            opsets[OnnxGraph.NormalizeDomain(import.Domain)] = import.Version;
        if (opsets.Count == 0)
            opsets[""] = 1;
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (NodeProto node in model.Graph?.Node ?? [])
        {
            string domain = OnnxGraph.NormalizeDomain(node.Domain);
            long opset = opsets.GetValueOrDefault(domain);
            // Constant nodes are folded by the loader, which refuses the value forms it does not hold with the clear error.
            if (domain.Length == 0 && node.OpType == "Constant")
                continue;
            if (!OpRegistry.Standard.TryGet(domain, node.OpType, opset, out _))
                missing.Add($"{node.OpType} ({UnsupportedOperatorException.DisplayDomain(domain)} opset {opset})");
        }
        return missing.Count == 0 ? null : "unsupported op: " + string.Join(", ", missing);
    }

    /// <summary>
    /// The op a test is about: its first non-Constant node's type; an <c>*_expanded</c> test (the op written as a function
    /// body of other ops) is counted under its non-expanded twin's op.
    /// </summary>
    private static string OpOf(string name, ModelProto? model, Dictionary<string, (ModelProto? Model, string? Error)> byName)
    {
        const string Suffix = "_expanded";
        if (name.EndsWith(Suffix, StringComparison.Ordinal) && byName.TryGetValue(name[..^Suffix.Length], out var twin) && twin.Model is not null)
            return OpOf(name[..^Suffix.Length], twin.Model, byName);
        NodeProto? first = model?.Graph?.Node.FirstOrDefault(n => n.OpType != "Constant") ?? model?.Graph?.Node.FirstOrDefault();
        return first?.OpType ?? "(unreadable model)";
    }
}
