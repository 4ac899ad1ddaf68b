using MlNetGraviton.Models;

[assembly: AssemblyFixture(typeof(MlNetGraviton.Pipeline.Tests.TinyModels))]

namespace MlNetGraviton.Pipeline.Tests;

/// <summary>Tiny BERT, RoBERTa (2-label head) and GPT-2 graphs built once into a temp folder, plus the vocabulary paths.</summary>
public sealed class TinyModels : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetgraviton-pipeline-").FullName;

    public TinyModels()
    {
        Bert = Build(TransformerArchitecture.Bert, "bert.onnx");
        Roberta = Build(TransformerArchitecture.Roberta, "roberta-cls.onnx", numLabels: 2);
        Gpt2 = Build(TransformerArchitecture.Gpt2, "gpt2.onnx");
    }

    public string Bert { get; }

    public string Roberta { get; }

    public string Gpt2 { get; }

    public string Folder => _dir;

    public static string VocabRoot => Path.Combine(AppContext.BaseDirectory, "vocab");

    public static string BertVocab => Path.Combine(VocabRoot, "bert-base-uncased", "vocab.txt");

    public static string RobertaEncoder => Path.Combine(VocabRoot, "roberta-base", "encoder.json");

    public static string RobertaMerges => Path.Combine(VocabRoot, "roberta-base", "vocab.bpe");

    public static string RobertaDict => Path.Combine(VocabRoot, "roberta-base", "dict.txt");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Sharp attention and random biases/norms, so padding or a lost mask would visibly change the outputs.
    private string Build(TransformerArchitecture architecture, string fileName, int numLabels = 0)
    {
        var config = TransformerConfig.Create(architecture, ModelSize.Tiny, numLabels: numLabels)
            with { AttentionStd = 0.3f, RandomBiasesAndNorms = true };
        var path = Path.Combine(_dir, fileName);
        TransformerModelBuilder.Write(config, path, seed: 7);
        return path;
    }
}
