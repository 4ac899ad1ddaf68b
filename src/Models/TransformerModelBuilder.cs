using System.Globalization;
using Google.Protobuf;
using MlNetGraviton.Models.Graph;
using Onnx;

namespace MlNetGraviton.Models;

/// <summary>Writes BERT, RoBERTa and GPT-2 as ONNX (opset 17, IR 8) with the op patterns of a Hugging Face export.</summary>
public static class TransformerModelBuilder
{
    public const int OpsetVersion = 17;
    public const long IrVersion = 8;

    /// <summary>Bumped whenever the graph or weights a config produces change, so cached files are rebuilt.</summary>
    internal const int FormatVersion = 1;

    /// <summary>The full model with weights drawn deterministically from <paramref name="seed"/>.</summary>
    public static ModelProto Build(TransformerConfig config, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();

        var writer = new OnnxGraphWriter(config.Name);
        if (config.Architecture == TransformerArchitecture.Gpt2)
            Gpt2Graph.Build(writer, config);
        else
            EncoderGraph.Build(writer, config);
        writer.Weights.Fill(seed);

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MlNetGraviton.Models",
            ProducerVersion = FormatVersion.ToString(CultureInfo.InvariantCulture),
            DocString = $"{config.Name} with deterministic weights (seed {seed}); not a trained model.",
            Graph = writer.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        AddMetadata(model, "name", config.Name);
        AddMetadata(model, "config", config.CanonicalText);
        AddMetadata(model, "seed", seed.ToString(CultureInfo.InvariantCulture));
        return model;
    }

    /// <summary>Builds the model and writes it to <paramref name="path"/> (overwriting it).</summary>
    public static void Write(TransformerConfig config, string path, int seed = 42)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var model = Build(config, seed);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        model.WriteTo(stream);
    }

    private static void AddMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
