using System.Globalization;
using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Runtime.Execution;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Graph.Optimization;
using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime;

/// <summary>
/// The project's own ONNX session: load and validate the graph, compile each node to a kernel (constant weights
/// prepacked for the SGEMM micro-kernel the CPU selects), then run nodes in topological order with pooled buffers.
/// Any op without a kernel fails here, at load, with an <see cref="UnsupportedOperatorException"/>. Run is thread-safe.
/// </summary>
public sealed class GravitonSession : IInferenceSession
{
    private readonly ExecutionPlan _plan;
    private readonly TensorPool _pool = new();
    private readonly int _threads;
    private volatile bool _disposed;
    private volatile NodeProfile? _profile;

    /// <summary>Loads <paramref name="modelPath"/> for fp32 execution on <paramref name="threads"/> intra-op threads (0: one per core).</summary>
    public GravitonSession(string modelPath, int threads = 0)
        : this(OnnxGraphLoader.Load(modelPath), threads, CpuFeatures.Current, Precision.Float32, precisionNote: "")
    {
    }

    internal GravitonSession(OnnxGraph graph, int threads, CpuFeatures cpu, Precision precision, string precisionNote,
        GraphOptimizerOptions? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ChosenPrecision = precision;
        _threads = threads == 0 ? Math.Max(1, Environment.ProcessorCount) : threads;
        // Shapes of the graph as loaded: it names every value the file has, fused ones included.
        InferredShapes = ShapeInference.Infer(graph);
        var weights = new WeightPacking(WeightKernelFor(precision, cpu));
        Optimization = GraphOptimizer.Optimize(graph, OpRegistry.Standard, cpu, optimizer);
        graph = Optimization.Graph;
        _plan = ExecutionPlan.Build(graph, OpRegistry.Standard, cpu, weights);
        Inputs = graph.Inputs;
        Outputs = graph.Outputs.Select(o => WithInferredDims(o, InferredShapes)).ToArray();
        WeightKernel = weights.Kernel;
        ConstantWeights = weights.Count;
        string kernel = SgemmKernelName(cpu);
        string fastMath = SgemmKernelInfo.IsFastMath(weights.Kernel)
            ? $"bf16 fast-math {SgemmKernelInfo.Name(weights.Kernel)} for {weights.Count} constant weights, "
            : "";
        Description = string.Create(CultureInfo.InvariantCulture,
            $"graviton engine, {PrecisionName(precision)}{(precisionNote.Length > 0 ? $" ({precisionNote})" : "")}, SGEMM {kernel}, {fastMath}" +
            $"{_plan.NodeCount} nodes ({Optimization.Summary}), intra-op threads {_threads}");
        if (ProfileEnvironment)
            StartProfiling();
    }

    /// <summary>
    /// The SGEMM kernel constant weights are packed for: the bf16 fast-math kind for <see cref="Precision.BFloat16"/>
    /// (a <see cref="NotSupportedException"/> naming the missing feature when <paramref name="cpu"/> has none), else fp32.
    /// </summary>
    internal static SgemmKernelKind WeightKernelFor(Precision precision, CpuFeatures cpu)
    {
        if (precision != Precision.BFloat16)
            return SgemmKernelInfo.Select(cpu);
        return SgemmKernelInfo.SelectFastMath(cpu, out string reason) ?? throw Bf16Unavailable(reason);
    }

    /// <summary>The error for an explicit bf16 request this CPU cannot serve.</summary>
    internal static NotSupportedException Bf16Unavailable(string reason) =>
        new($"bf16 fast-math on the graviton engine is not available on this CPU: {reason} " +
            "Use --precision fp32 (Precision.Float32) or auto (Precision.Auto), which falls back to fp32.");

    /// <summary>Loads a model held in memory (it cannot use external data).</summary>
    public static GravitonSession FromBytes(ReadOnlySpan<byte> model, int threads = 0) =>
        new(OnnxGraphLoader.Load(model), threads, CpuFeatures.Current, Precision.Float32, precisionNote: "");

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public Precision ChosenPrecision { get; }

    public string Description { get; }

    public int Threads => _threads;

    /// <summary>The SGEMM kernel the constant weights were packed for (a bf16 fast-math kind for <see cref="Precision.BFloat16"/>).</summary>
    internal SgemmKernelKind WeightKernel { get; }

    /// <summary>The buffers runs rent and return (tests check what it keeps).</summary>
    internal TensorPool Pool => _pool;

    /// <summary>How many constant GEMM weights the plan packed (for <see cref="WeightKernel"/>).</summary>
    internal int ConstantWeights { get; }

    /// <summary>What the load-time optimizer did and the graph it produced (the one the plan runs).</summary>
    internal OptimizationResult Optimization { get; }

    /// <summary>Load-time shapes (with symbolic dimensions) of the values inference could follow, by value name.</summary>
    internal IReadOnlyDictionary<string, SymbolicShape> InferredShapes { get; }

    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyCollection<string>? outputNames = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SessionInputValidator.Validate(Inputs, inputs);
        string[] names = SessionInputValidator.ResolveOutputs(Outputs, outputNames);
        NodeProfile? profile = _profile;
        Dictionary<string, Tensor> result = _plan.Run(inputs, names, _pool, _threads, profile);
        profile?.EndRun();
        return result;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Only arrays this session's pool allocated are taken back, each once: outputs that alias a caller's inputs, or are
    /// returned twice, are ignored.
    /// </remarks>
    public void ReturnOutputs(IReadOnlyDictionary<string, Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (Tensor tensor in outputs.Values)
            _pool.Return(tensor.ElementType, tensor.Data);
    }

    /// <summary>
    /// Starts (or restarts) timing each node's kernel over the runs that follow; <see cref="ProfileSummary"/> reports
    /// the time per op type. Costs two timestamps per node while on.
    /// </summary>
    public void StartProfiling() => _profile = new NodeProfile(_plan.Nodes);

    /// <summary>Per op type: milliseconds per run and share, since <see cref="StartProfiling"/>; null when not profiling.</summary>
    public string? ProfileSummary => _profile?.Summary();

    public void Dispose()
    {
        if (!_disposed && ProfileEnvironment && _profile is { } profile)
            Console.Error.WriteLine($"graviton profile ({Description}):{Environment.NewLine}{profile.Summary()}");
        _disposed = true;
    }

    /// <summary>
    /// Environment variable that makes every session profile from its first run and print the table to stderr when
    /// disposed (for runs the code cannot reach, such as a pipeline's session): <c>MLNETGRAVITON_PROFILE=1</c>.
    /// </summary>
    public const string ProfileEnvironmentVariable = "MLNETGRAVITON_PROFILE";

    private static bool ProfileEnvironment => Environment.GetEnvironmentVariable(ProfileEnvironmentVariable) is "1" or "true";

    /// <summary>
    /// An output as declared, with the dimensions the file leaves free but load-time inference fixes filled in (exports
    /// often name the hidden size symbolically, e.g. all-MiniLM-L6-v2's last_hidden_state [batch, sequence, Add..._dim_2]).
    /// </summary>
    private static TensorInfo WithInferredDims(TensorInfo declared, IReadOnlyDictionary<string, SymbolicShape> inferred)
    {
        if (!inferred.TryGetValue(declared.Name, out SymbolicShape? shape) || shape.Rank != declared.Rank)
            return declared;
        long[] dims = (long[])declared.Dims.Clone();
        string?[] symbols = (string?[])declared.SymbolicDims.Clone();
        bool changed = false;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0 && shape.Dims[i].IsFixed)
            {
                dims[i] = shape.Dims[i].Value;
                symbols[i] = null;
                changed = true;
            }
        }
        return changed ? declared with { Dims = dims, SymbolicDims = symbols } : declared;
    }

    private static string PrecisionName(Precision p) => p switch
    {
        Precision.Int8 => "int8",
        Precision.BFloat16 => "bf16",
        _ => "fp32",
    };

    private static string SgemmKernelName(CpuFeatures cpu)
    {
        SgemmPackedB probe = Sgemm.PackB(new float[1], 1, 1, transB: false, cpu);
        return probe.KernelName;
    }
}
