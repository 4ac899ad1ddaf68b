using MlNetGraviton.Kernels;
namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>Every contrib op form on one-node graphs, against ONNX Runtime on the same file, on one and two threads.</summary>
public sealed class ContribOpParityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in ContribCases.All.Keys)
            foreach (int threads in new[] { 1, 2 })
                data.Add(name, threads);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Contrib_op_matches_onnx_runtime(string name, int threads)
    {
        OneNodeModel model = ContribCases.All[name]();
        string path = _folder.File($"{model.OpType}-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(ContribCases.Build(model)));
        Dictionary<string, Tensor> feeds = model.Feeds();
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, feeds);
        using var session = new GravitonSession(path, threads: threads);
        IReadOnlyDictionary<string, Tensor> actual = session.Run(feeds);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (output, tensor) in expected)
        {
            if (tensor.ElementType != TensorElementType.Float32)
            {
                TensorAssert.Same(tensor, actual[output], $"{name}: {output}");
                continue;
            }
            TensorAssert.Parity(tensor, actual[output], $"{name}: {output}");
            // Element-wise ops are held closer than the graph bar: an error that passes here once can grow layer by layer.
            if (!name.StartsWith("Attention", StringComparison.Ordinal) && !name.StartsWith("Fused", StringComparison.Ordinal))
                TensorAssert.Same(tensor, actual[output], $"{name}: {output}", tolerance: 2e-6f);
        }
    }

    public static TheoryData<string> AttentionCases() => new(ContribCases.All.Keys.Where(k => k.StartsWith("Attention", StringComparison.Ordinal)));

    /// <summary>
    /// Where the CPU has AVX-512F the attention products run on the emitted SGEMM kernel; limited to AVX2 (as on CPUs
    /// without it, and like Arm64's row form) the per-row form runs. Both match ORT.
    /// </summary>
    [Theory]
    [MemberData(nameof(AttentionCases))]
    public void Attention_row_form_below_avx512_matches_onnx_runtime(string name)
    {
        OneNodeModel model = ContribCases.All[name]();
        string path = _folder.File($"{model.OpType}-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(ContribCases.Build(model)));
        Dictionary<string, Tensor> feeds = model.Feeds();
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, feeds);
        CpuFeatures cpu = CpuFeatures.Detected.LimitedTo(CpuFeatures.Detected.IsX64 ? IsaLevel.Avx2 : IsaLevel.Neon);
        using var session = new GravitonSession(Runtime.Graph.OnnxGraphLoader.Load(path), 2, cpu, Precision.Float32, precisionNote: "");
        TensorAssert.Parity(expected["output"], session.Run(feeds)["output"], $"{name}, limited to {cpu.Limit}");
    }

    [Fact]
    public void Attention_without_bias_equals_a_zero_bias()
    {
        // ORT's CPU Attention reads the bias unconditionally (it crashes without one), so the reference is a zero bias.
        Tensor mask = ContribCases.I32([5, 3], 2);
        OneNodeModel withoutBias = ContribCases.Attention(2, 5, 16, 2, mask: mask, bias: false);
        OneNodeModel zeroBias = ContribCases.Attention(2, 5, 16, 2, mask: mask, biasValue: Tensor.Zeros(TensorElementType.Float32, 48));
        Dictionary<string, Tensor> feeds = zeroBias.Feeds();
        feeds["input"] = withoutBias.Feeds()["input"];
        // Same weights in both files: copy the first model's initializer into the second.
        Onnx.ModelProto reference = zeroBias.Build(), ours = withoutBias.Build();
        reference.Graph.Initializer[0] = ours.Graph.Initializer[0];
        string referencePath = _folder.File("attention-zero-bias.onnx"), oursPath = _folder.File("attention-no-bias.onnx");
        File.WriteAllBytes(referencePath, Google.Protobuf.MessageExtensions.ToByteArray(reference));
        File.WriteAllBytes(oursPath, Google.Protobuf.MessageExtensions.ToByteArray(ours));
        Tensor expected = OrtReference.Run(referencePath, feeds)["output"];
        using var session = new GravitonSession(oursPath, threads: 2);
        TensorAssert.Parity(expected, session.Run(feeds)["output"], "Attention without bias");
    }

    public void Dispose() => _folder.Dispose();
}
