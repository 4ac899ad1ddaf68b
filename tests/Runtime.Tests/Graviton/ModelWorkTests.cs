using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Quantization;
using MlNetGraviton.Runtime.Tests.Graviton.Contrib;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>
/// <see cref="ModelWork"/> on src/Models graphs against the multiply-adds their configuration implies (per layer Q, K, V
/// and the attention output H×H each, the feed-forward 2·H·F), on the raw export, the same graph quantized, and ONNX
/// Runtime's fused form; a head is counted only when its output is asked for.
/// </summary>
public sealed class ModelWorkTests(TransformerModelFiles models, OptimizedModelFiles optimized)
    : IClassFixture<TransformerModelFiles>, IClassFixture<OptimizedModelFiles>, IDisposable
{
    private readonly TempFolder _folder = new();

    private static long EncoderMacs(TransformerConfig c) => c.Layers * (4L * c.Hidden * c.Hidden + 2L * c.Hidden * c.FfnSize);

    [Fact]
    public void Bert_encoder_counts_its_layers_and_the_head_only_when_asked_for()
    {
        (TransformerConfig c, string path) = models.Get(TransformerArchitecture.Bert, strong: true);
        Assert.True(c.NumLabels > 0);
        ModelWork encoder = ModelWork.Of(path, "last_hidden_state");
        Assert.Equal(EncoderMacs(c), encoder.WeightMacsPerToken);
        Assert.Equal(c.Layers, encoder.AttentionLayers);
        Assert.Equal(c.Hidden, encoder.AttentionWidth);
        // Every output: the pooler (H×H) and the classifier (H×labels) too, counted per token like the rest.
        Assert.Equal(EncoderMacs(c) + (long)c.Hidden * c.Hidden + (long)c.Hidden * c.NumLabels, ModelWork.Of(path).WeightMacsPerToken);
        // 2 FLOPs per multiply-add; attention 2·S·H multiply-adds per token and layer.
        Assert.Equal(2.0 * (10 * EncoderMacs(c) + 2.0 * c.Layers * c.Hidden * 30), encoder.Flops(10, 30));
    }

    [Fact]
    public void Quantized_and_ort_fused_graphs_count_the_same_work()
    {
        (TransformerConfig c, string path) = models.Get(TransformerArchitecture.Bert, strong: false);
        string quantized = _folder.File("bert.int8.onnx");
        DynamicQuantizer.QuantizeFile(path, quantized);
        ModelWork q = ModelWork.Of(quantized);
        Assert.Equal(EncoderMacs(c), q.WeightMacsPerToken);
        Assert.Equal(c.Layers, q.AttentionLayers);

        (TransformerConfig oc, string fused) = optimized.Get("bert-uncased", GraphOptimization.All);
        ModelWork f = ModelWork.Of(fused);
        Assert.Equal(EncoderMacs(oc), f.WeightMacsPerToken);
        Assert.Equal(oc.Layers, f.AttentionLayers);
        Assert.Equal(oc.Hidden, f.AttentionWidth);
    }

    [Fact]
    public void Gpt2_counts_its_fused_qkv_projection_and_the_tied_lm_head()
    {
        (TransformerConfig c, string path) = models.Get(TransformerArchitecture.Gpt2, strong: false);
        ModelWork work = ModelWork.Of(path);
        Assert.Equal(c.Layers, work.AttentionLayers);
        Assert.Equal(c.Hidden, work.AttentionWidth);
        Assert.Equal(EncoderMacs(c) + (long)c.Hidden * c.VocabSize, work.WeightMacsPerToken);
    }

    [Fact]
    public void An_unknown_output_is_named_with_the_ones_there_are()
    {
        (_, string path) = models.Get(TransformerArchitecture.Bert, strong: false);
        var e = Assert.Throws<ArgumentException>(() => ModelWork.Of(path, "pooled"));
        Assert.Contains("no output 'pooled'", e.Message);
        Assert.Contains("last_hidden_state", e.Message);
    }

    public void Dispose() => _folder.Dispose();
}
