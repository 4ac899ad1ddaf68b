using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetGraviton.Tokenization.Tests.Reference;

namespace MlNetGraviton.Tokenization.Tests;

/// <summary>Loading the tokenizer.json files the reference runs (written by reference.js save), and refusing what we do not support.</summary>
public sealed class TokenizerJsonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetgraviton-tokjson-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void LoadedTokenizerJsonEncodesTheCorpusLikeTheReference(string name)
    {
        // bert-base-cased exists here only as a tokenizer.json made by npm tokenizers (no cased vocab.txt is reachable);
        // roberta-base's merges are "a b" strings, gpt2's are ["a", "b"] pairs.
        var tokenizer = TransformerTokenizer.FromTokenizerJson(HuggingFaceReference.TokenizerJson(name));
        var texts = Corpus.Texts;
        var expected = HuggingFaceReference.Encode(name, texts);
        var diff = new Mismatches($"{name} from tokenizer.json");
        for (var i = 0; i < texts.Count; i++)
        {
            var actual = tokenizer.Encode(texts[i], null, new TokenizeOptions { MaxTokens = int.MaxValue });
            diff.Check(i + 1, texts[i], "ids", expected[i].Ids, actual.Ids);
            diff.Check(i + 1, texts[i], "offsets", expected[i].Offsets, actual.Offsets);
        }

        diff.AssertNone(texts.Count);
    }

    [Fact]
    public void MergesAsStringsAndAsPairsLoadTheSame()
    {
        var json = JsonNode.Parse(File.ReadAllText(HuggingFaceReference.TokenizerJson(HuggingFaceReference.Gpt2)))!;
        Assert.IsType<JsonArray>(json["model"]!["merges"]![0]);
        var pairs = TransformerTokenizer.FromTokenizerJson(HuggingFaceReference.TokenizerJson(HuggingFaceReference.Gpt2));
        var merges = (JsonArray)json["model"]!["merges"]!;
        json["model"]!["merges"] = new JsonArray(merges.Select(m => (JsonNode)JsonValue.Create(m![0]!.GetValue<string>() + " " + m[1]!.GetValue<string>())!).ToArray());
        var strings = TransformerTokenizer.FromTokenizerJson(Write("strings.json", json.ToJsonString()));

        foreach (var text in Corpus.Texts.Take(300))
        {
            Assert.Equal(pairs.EncodeContent(text), strings.EncodeContent(text));
        }
    }

    [Fact]
    public void TruncationAndPaddingBlocksBecomeDefaults()
    {
        var json = JsonNode.Parse(File.ReadAllText(HuggingFaceReference.TokenizerJson(HuggingFaceReference.BertUncased)))!;
        json["truncation"] = JsonNode.Parse("""{"direction":"Left","max_length":6,"strategy":"OnlyFirst","stride":0}""");
        json["padding"] = JsonNode.Parse("""{"strategy":"BatchLongest","direction":"Left","pad_to_multiple_of":null,"pad_id":0,"pad_type_id":0,"pad_token":"[PAD]"}""");

        var tokenizer = TransformerTokenizer.FromTokenizerJson(Write("bert.json", json.ToJsonString()));

        Assert.Equal(6, tokenizer.MaxTokens);
        Assert.Equal(TruncationStrategy.OnlyFirst, tokenizer.Defaults.Truncation);
        Assert.Equal(TruncationSide.Left, tokenizer.Defaults.TruncationSide);
        Assert.Equal(PaddingSide.Left, tokenizer.Defaults.PaddingSide);
        Assert.Equal(["[CLS]", "the", "lazy", "dog", ".", "[SEP]"], tokenizer.Encode("the quick brown fox jumps over the lazy dog.", null).Tokens);
    }

    [Theory]
    [InlineData("model", """{"type":"Unigram","vocab":[]}""", "Unigram")]
    [InlineData("normalizer", """{"type":"NFKC"}""", "NFKC")]
    [InlineData("pre_tokenizer", """{"type":"Whitespace"}""", "BertPreTokenizer")]
    [InlineData("post_processor", """{"type":"Sequence","processors":[]}""", "Sequence")]
    public void UnsupportedBlocksAreRefusedByName(string block, string value, string named)
    {
        var json = JsonNode.Parse(File.ReadAllText(HuggingFaceReference.TokenizerJson(HuggingFaceReference.BertUncased)))!;
        json[block] = JsonNode.Parse(value);
        var path = Write("unsupported.json", json.ToJsonString());

        var e = Assert.Throws<NotSupportedException>(() => TransformerTokenizer.FromTokenizerJson(path));

        Assert.Contains(named, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("{\"model\": {\"type\": \"WordPiece\", ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"version\": \"1.0\"}")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}, \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false}}")]
    [InlineData("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}, \"unk_token\": \"[UNK]\"}, \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}}")]
    public void MalformedTokenizerJsonNamesTheFile(string content)
    {
        var path = Write("bad.json", content);

        var e = Assert.ThrowsAny<Exception>(() => TransformerTokenizer.FromTokenizerJson(path));

        Assert.True(e is InvalidDataException, $"expected InvalidDataException, got {e}");
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingTokenizerJsonNamesTheFile()
    {
        var path = Path.Combine(_dir, "none.json");

        var e = Assert.Throws<FileNotFoundException>(() => TransformerTokenizer.FromTokenizerJson(path));

        Assert.Contains(path, e.Message);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
