using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>The project's own session. Until it lands the factory refuses, and the bench reports why.</summary>
internal sealed class GravitonBenchEngine : IBenchEngine
{
    private readonly IInferenceSession _session;
    private readonly IReadOnlyDictionary<string, Tensor> _inputs;
    private readonly string[] _outputs;

    public GravitonBenchEngine(BenchCase c)
    {
        Precision precision = c.Precision switch
        {
            "fp32" => Precision.Float32,
            "bf16" => Precision.BFloat16,
            "int8" => Precision.Int8,
            _ => throw new EngineUnavailableException($"unknown precision {c.Precision}"),
        };
        try
        {
            _session = InferenceSessionFactory.Create(c.ModelPath, new InferenceOptions
            {
                Engine = InferenceEngine.Graviton,
                Precision = precision,
                Threads = c.Threads,
            });
        }
        catch (NotSupportedException e)
        {
            throw new EngineUnavailableException(e.Message, e);
        }
        _inputs = c.Inputs;
        _outputs = [c.OutputName];
        Kernel = _session.Description;
    }

    public string Name => "graviton";

    public string Version => typeof(GravitonBenchEngine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public string Providers => "graviton";

    public string Optimizer => "graviton";

    public string Kernel { get; }

    public void RunOnce() => _session.ReturnOutputs(_session.Run(_inputs, _outputs));

    /// <summary>Times each op from now on (`bench model --profile`); the ORT and ML.NET rows are not affected.</summary>
    public void StartProfiling() => (_session as GravitonSession)?.StartProfiling();

    public string? ProfileSummary => (_session as GravitonSession)?.ProfileSummary;

    public void Dispose() => _session.Dispose();
}
