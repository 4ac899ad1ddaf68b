using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>
/// The baseline a .NET user has today: ML.NET's ApplyOnnxModel scored one row at a time with a PredictionEngine
/// (its Transform over an IDataView is not used: with ORT 1.31 its parallel cursor throws). Batch 1 only; fp32, and int8 on the quantized graph.
/// </summary>
internal sealed class MlNetBenchEngine : IBenchEngine
{
    private readonly PredictionEngine<TokenRow, HiddenStateRow>? _hiddenEngine;
    private readonly PredictionEngine<TokenRow, LogitsRow>? _logitsEngine;
    private readonly TokenRow _row;
    private HiddenStateRow _hidden = new();
    private LogitsRow _logits = new();

    public MlNetBenchEngine(BenchCase c)
    {
        // int8 cells hand every engine the quantized graph, which ApplyOnnxModel runs like any ONNX file; bf16 fast-math
        // is an ORT session option ApplyOnnxModel does not expose.
        if (c.Precision == "bf16")
            throw new EngineUnavailableException("ML.NET's ApplyOnnxModel has no way to set ONNX Runtime's bf16 fast-math option");
        if (c.BatchSize != 1)
            throw new EngineUnavailableException("ML.NET's PredictionEngine scores one row at a time: batch size 1 only");
        var ml = new MLContext(seed: 1);
        string[] inputNames = c.Inputs.Keys.ToArray();
        if (inputNames.Except(TokenRow.Names).Any())
            throw new EngineUnavailableException($"the model has inputs the ML.NET baseline does not feed: {string.Join(", ", inputNames.Except(TokenRow.Names))}");
        var shapes = inputNames.ToDictionary(n => n, _ => new[] { 1, c.SequenceLength });
        string output = c.OutputName;
        if (output is not ("last_hidden_state" or "logits"))
            throw new EngineUnavailableException($"the ML.NET baseline reads last_hidden_state or logits, not {output}");
        var options = new OnnxOptions
        {
            ModelFile = c.ModelPath,
            InputColumns = inputNames,
            OutputColumns = [output],
            ShapeDictionary = shapes,
            IntraOpNumThreads = c.Threads > 0 ? c.Threads : null,
        };
        var schema = SchemaDefinition.Create(typeof(TokenRow));
        foreach (string name in TokenRow.Names)
            schema[name].ColumnType = new VectorDataViewType(NumberDataViewType.Int64, c.SequenceLength);
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<TokenRow>(), schema);
        ITransformer transformer = ml.Transforms.ApplyOnnxModel(options).Fit(empty);
        if (output == "logits")
            _logitsEngine = ml.Model.CreatePredictionEngine<TokenRow, LogitsRow>(transformer, inputSchemaDefinition: schema);
        else
            _hiddenEngine = ml.Model.CreatePredictionEngine<TokenRow, HiddenStateRow>(transformer, inputSchemaDefinition: schema);
        _row = new TokenRow
        {
            input_ids = c.Inputs["input_ids"].AsSpan<long>().ToArray(),
            attention_mask = c.Inputs.TryGetValue("attention_mask", out Tensor? m) ? m.AsSpan<long>().ToArray() : new long[c.SequenceLength],
            token_type_ids = c.Inputs.TryGetValue("token_type_ids", out Tensor? t) ? t.AsSpan<long>().ToArray() : new long[c.SequenceLength],
        };
        Kernel = "ML.NET OnnxTransformer over ONNX Runtime (MLAS)";
    }

    public string Name => "mlnet";

    public string Version => typeof(MLContext).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "?";

    public string Providers => "CPUExecutionProvider";

    public string Optimizer => "ORT_ENABLE_ALL";

    public string Kernel { get; }

    public void RunOnce()
    {
        if (_logitsEngine is not null)
            _logitsEngine.Predict(_row, ref _logits);
        else
            _hiddenEngine!.Predict(_row, ref _hidden);
    }

    public void Dispose()
    {
        _logitsEngine?.Dispose();
        _hiddenEngine?.Dispose();
    }

#pragma warning disable IDE1006, SA1300 // column names are the graph's input names
    public sealed class TokenRow
    {
        public static readonly string[] Names = ["input_ids", "attention_mask", "token_type_ids"];

        public long[] input_ids { get; set; } = [];

        public long[] attention_mask { get; set; } = [];

        public long[] token_type_ids { get; set; } = [];
    }

    public sealed class HiddenStateRow
    {
        public float[] last_hidden_state { get; set; } = [];
    }

    public sealed class LogitsRow
    {
        public float[] logits { get; set; } = [];
    }
#pragma warning restore IDE1006, SA1300
}
