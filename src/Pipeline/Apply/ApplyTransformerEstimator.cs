using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Pipeline.Apply;

/// <summary>Estimator of <see cref="ApplyTransformerTransformer"/>; Fit opens the model, nothing is learned.</summary>
public sealed class ApplyTransformerEstimator : IEstimator<ApplyTransformerTransformer>
{
    private readonly string _modelFile;
    private readonly string _outputColumn;
    private readonly Pooling _pooling;
    private readonly TransformerOutput _output;
    private readonly InferenceOptions _options;
    private readonly int _batchSize;
    private readonly string _inputPrefix;
    private readonly bool _normalize;

    internal ApplyTransformerEstimator(
        string modelFile, string outputColumn, Pooling pooling, TransformerOutput output,
        InferenceOptions? options, int batchSize, string inputPrefix, bool normalize = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumn);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentNullException.ThrowIfNull(inputPrefix);
        _modelFile = RequireModelFile(modelFile);
        _outputColumn = outputColumn;
        _pooling = pooling;
        _output = output;
        _options = options ?? DefaultOptions();
        _batchSize = batchSize;
        _inputPrefix = inputPrefix;
        _normalize = normalize;
    }

    /// <summary>ONNX Runtime, fp32, threads chosen by the engine: the engine this version can serve.</summary>
    public static InferenceOptions DefaultOptions()
        => new() { Engine = InferenceEngine.OnnxRuntime, Precision = Precision.Float32, Threads = 0 };

    public ApplyTransformerTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnChecks.RequireInt64Vector(input.Schema, _inputPrefix + TokenColumns.InputIds);
        ColumnChecks.RequireInt64Vector(input.Schema, _inputPrefix + TokenColumns.AttentionMask);
        var transformer = new ApplyTransformerTransformer(_modelFile, _outputColumn, _pooling, _output, _options, _batchSize, _inputPrefix, _normalize);
        try
        {
            transformer.GetOutputSchema(input.Schema);
        }
        catch
        {
            transformer.Dispose();
            throw;
        }

        return transformer;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.RequireInt64Vector(inputSchema, _inputPrefix + TokenColumns.InputIds);
        ColumnChecks.RequireInt64Vector(inputSchema, _inputPrefix + TokenColumns.AttentionMask);
        if (ColumnChecks.Has(inputSchema, _inputPrefix + TokenColumns.TokenTypeIds))
        {
            ColumnChecks.RequireInt64Vector(inputSchema, _inputPrefix + TokenColumns.TokenTypeIds);
        }

        // SchemaShape keeps the vector kind, not its size; the size is known once Fit has opened the model.
        var output = new VectorDataViewType(NumberDataViewType.Single, 1);
        return ColumnChecks.WithAddedColumns(inputSchema, [(_outputColumn, output)]);
    }

    internal static string RequireModelFile(string modelFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFile);
        return File.Exists(modelFile)
            ? modelFile
            : throw new FileNotFoundException($"The transformer model file '{modelFile}' does not exist.", modelFile);
    }
}
