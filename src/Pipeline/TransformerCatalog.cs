using Microsoft.ML;
using MlNetGraviton.Pipeline.Apply;
using MlNetGraviton.Pipeline.Tokenize;
using MlNetGraviton.Runtime;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline;

/// <summary>ML.NET catalog entry points: tokenize text for a transformer, then apply the transformer model.</summary>
public static class TransformerCatalog
{
    /// <summary>
    /// BERT WordPiece tokens of <paramref name="inputColumn"/>, exact to Hugging Face's BertTokenizerFast
    /// (<c>[CLS] text [SEP]</c>, at most <paramref name="maxTokens"/>)
    /// into <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> (variable-size Int64 vectors, names prefixed by <paramref name="outputPrefix"/>; with <paramref name="fixedLength"/>,
    /// vectors of exactly <paramref name="maxTokens"/> padded on the right with the pad id and attention mask 0).
    /// </summary>
    public static TokenizeEstimator TokenizeForBert(
        this TransformsCatalog.TextTransforms catalog, string inputColumn, string vocabFile,
        int maxTokens = 128, bool lowerCase = true, string outputPrefix = "", bool fixedLength = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TokenizeEstimator(TransformerTokenizer.CreateBert(vocabFile, lowerCase, maxTokens), inputColumn, outputPrefix, fixedLength);
    }

    /// <summary>RoBERTa byte-level BPE tokens (<c>&lt;s&gt; text &lt;/s&gt;</c>) from fairseq's encoder.json, vocab.bpe and dict.txt.</summary>
    public static TokenizeEstimator TokenizeForRoberta(
        this TransformsCatalog.TextTransforms catalog, string inputColumn, string encoderJson, string vocabBpe, string dictTxt,
        int maxTokens = 128, string outputPrefix = "", bool fixedLength = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TokenizeEstimator(TransformerTokenizer.CreateRoberta(encoderJson, vocabBpe, dictTxt, maxTokens), inputColumn, outputPrefix, fixedLength);
    }

    /// <summary>GPT-2 byte-level BPE tokens (no special tokens).</summary>
    public static TokenizeEstimator TokenizeForGpt2(
        this TransformsCatalog.TextTransforms catalog, string inputColumn, int maxTokens = 128, string outputPrefix = "", bool fixedLength = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TokenizeEstimator(TransformerTokenizer.CreateGpt2(maxTokens), inputColumn, outputPrefix, fixedLength);
    }

    /// <summary>
    /// Tokens of <paramref name="inputColumn"/> by any <see cref="TransformerTokenizer"/> (e.g. one loaded with
    /// <see cref="TransformerTokenizer.FromTokenizerJson"/>): special tokens, truncation to its MaxTokens.
    /// </summary>
    public static TokenizeEstimator Tokenize(
        this TransformsCatalog.TextTransforms catalog, string inputColumn, TransformerTokenizer tokenizer, string outputPrefix = "",
        bool fixedLength = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new TokenizeEstimator(tokenizer, inputColumn, outputPrefix, fixedLength);
    }

    /// <summary>
    /// Runs a BERT / RoBERTa / GPT-2 ONNX model on the token columns (graph inputs are fed from the columns of the same
    /// name, after <paramref name="inputPrefix"/>) in batches of <paramref name="batchSize"/> rows padded to their longest
    /// row, and adds <paramref name="outputColumn"/>: the pooled <c>last_hidden_state</c> or the <c>logits</c>.
    /// Default <paramref name="options"/>: ONNX Runtime, fp32, engine-chosen threads. With <paramref name="normalize"/>
    /// each vector is scaled to unit L2 norm after pooling, as sentence-transformers' Normalize module does (a zero vector stays zero).
    /// </summary>
    public static ApplyTransformerEstimator ApplyTransformer(
        this TransformsCatalog catalog, string modelFile, string outputColumn = "Embedding",
        Pooling pooling = Pooling.Mean, TransformerOutput output = TransformerOutput.Embedding,
        InferenceOptions? options = null, int batchSize = 32, string inputPrefix = "", bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ApplyTransformerEstimator(modelFile, outputColumn, pooling, output, options, batchSize, inputPrefix, normalize);
    }
}
