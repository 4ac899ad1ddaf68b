using System.Runtime.CompilerServices;
using System.Text;
using MlNetGraviton.Tokenization.Bpe;
using MlNetGraviton.Tokenization.Processing;

namespace MlNetGraviton.Tokenization;

/// <summary>
/// GPT-2 / RoBERTa byte-level BPE, exact to Hugging Face's: GPT-2's split (<c>ByteLevel</c> pre-tokenizer, no prefix
/// space), each piece's UTF-8 bytes merged by the merges' ranks (lowest rank first, leftmost on ties), merged words
/// cached. A lone surrogate is encoded as U+FFFD's bytes, as HF receives it. Offsets cover whole UTF-16 characters
/// (a token holding part of a character's bytes spans that character).
/// </summary>
public sealed class ByteLevelBpeTokenizer : HuggingFaceTokenizer
{
    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _tokens;
    private readonly Dictionary<long, long> _merges; // (left id, right id) → (rank << 32) | merged id
    private readonly int[] _byteIds = new int[256];
    private readonly BpeWordCache _cache = new();

    internal ByteLevelBpeTokenizer(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, IEnumerable<AddedToken> addedTokens, string source)
        : base(addedTokens)
    {
        _vocab = vocab;
        var size = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, AddedTokens.Count == 0 ? 0 : AddedTokens.Max(t => t.Id) + 1);
        VocabularySize = size;
        _tokens = new string?[size];
        foreach (var (token, id) in vocab)
        {
            _tokens[id] = token;
        }

        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.CharOfByte[b].ToString();
            _byteIds[b] = vocab.TryGetValue(symbol, out var id)
                ? id
                : throw new InvalidDataException($"The byte-level BPE vocabulary from {source} lacks the token '{symbol}' for byte 0x{b:X2}.");
        }

        _merges = new Dictionary<long, long>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out var l) || !vocab.TryGetValue(right, out var r) || !vocab.TryGetValue(left + right, out var merged))
            {
                throw new InvalidDataException($"Merge {rank + 1} ('{left} {right}') of {source} uses or makes a token the vocabulary lacks.");
            }

            _merges.TryAdd(((long)l << 32) | (uint)r, ((long)rank << 32) | (uint)merged);
        }

        MergeCount = merges.Count;
    }

    /// <inheritdoc/>
    public override int VocabularySize { get; }

    /// <summary>Number of merges.</summary>
    public int MergeCount { get; }

    /// <summary>The model's vocabulary (byte-level token → id).</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    private protected override int? ModelTokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    private protected override string? ModelIdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    // HF's ByteLevel decoder: every token's characters back to bytes (a token outside the alphabet, such as an added
    // token, as its own UTF-8), then UTF-8 with invalid sequences replaced by U+FFFD.
    private protected override string DecodeTokens(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var spelled = ByteLevelAlphabet.ToBytes(token);
            bytes.AddRange(spelled ?? Encoding.UTF8.GetBytes(token));
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private protected override void EncodeSegment(string text, int start, int end, TokenSink sink)
    {
        var scratch = Scratch.Shared ??= new Scratch();
        for (var at = start; at < end;)
        {
            var stop = Gpt2PreTokenizer.NextPiece(text, at, end);
            EncodePiece(text, at, stop, sink, scratch);
            at = stop;
        }
    }

    private void EncodePiece(string text, int start, int end, TokenSink sink, Scratch scratch)
    {
        var byteCount = scratch.Utf8(text, start, end);
        var word = text.AsSpan(start, end - start);
        if (!_cache.TryGet(word, out var merged))
        {
            merged = Merge(scratch, byteCount);
            _cache.Add(word, merged);
        }

        var tokens = merged.Length / 2;
        var at = 0;
        sink.NextSplit();
        for (var t = 0; t < tokens; t++)
        {
            var length = merged[tokens + t];
            sink.Add(merged[t], scratch.ByteStarts[at], scratch.ByteEnds[at + length - 1]);
            at += length;
        }
    }

    // Lowest-rank adjacent pair first, leftmost on ties, until no pair merges: the symbols form a linked list over
    // the bytes; short words rescan (cheap), long words use a heap so a 1 MB word stays O(n log n).
    private int[] Merge(Scratch s, int n)
    {
        s.EnsureSymbols(n);
        var ids = s.Ids;
        var lengths = s.Lengths;
        var next = s.Next;
        var prev = s.Prev;
        for (var i = 0; i < n; i++)
        {
            ids[i] = _byteIds[s.Bytes[i]];
            lengths[i] = 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }

        var count = n;
        if (n <= 48)
        {
            while (true)
            {
                var bestRank = long.MaxValue;
                var bestAt = -1;
                var bestId = 0;
                for (var i = 0; i >= 0 && next[i] >= 0; i = next[i])
                {
                    if (_merges.TryGetValue(((long)ids[i] << 32) | (uint)ids[next[i]], out var m) && (m >> 32) < bestRank)
                    {
                        bestRank = m >> 32;
                        bestAt = i;
                        bestId = (int)m;
                    }
                }

                if (bestAt < 0)
                {
                    break;
                }

                Join(bestAt, bestId, ids, lengths, next, prev);
                count--;
            }
        }
        else
        {
            var heap = new PriorityQueue<(int At, int Left, int Right), long>();
            for (var i = 0; i + 1 < n; i++)
            {
                Push(heap, i, ids[i], ids[i + 1]);
            }

            while (heap.TryDequeue(out var candidate, out var priority))
            {
                var at = candidate.At;
                var right = next[at];
                if (lengths[at] == 0 || right < 0 || ids[at] != candidate.Left || ids[right] != candidate.Right)
                {
                    continue; // stale: one side has merged since
                }

                Join(at, (int)_merges[((long)candidate.Left << 32) | (uint)candidate.Right], ids, lengths, next, prev);
                count--;
                if (prev[at] >= 0)
                {
                    Push(heap, prev[at], ids[prev[at]], ids[at]);
                }

                if (next[at] >= 0)
                {
                    Push(heap, at, ids[at], ids[next[at]]);
                }
            }
        }

        var result = new int[count * 2];
        var k = 0;
        for (var i = 0; i >= 0; i = next[i])
        {
            result[k] = ids[i];
            result[count + k] = lengths[i];
            k++;
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Join(int at, int mergedId, int[] ids, int[] lengths, int[] next, int[] prev)
    {
        var right = next[at];
        ids[at] = mergedId;
        lengths[at] += lengths[right];
        lengths[right] = 0;
        next[at] = next[right];
        if (next[right] >= 0)
        {
            prev[next[right]] = at;
        }
    }

    private void Push(PriorityQueue<(int At, int Left, int Right), long> heap, int at, int left, int right)
    {
        if (_merges.TryGetValue(((long)left << 32) | (uint)right, out var m))
        {
            heap.Enqueue((at, left, right), ((m >> 32) << 32) | (uint)at);
        }
    }

    /// <summary>Per-thread buffers: the piece's UTF-8 bytes, the UTF-16 range of each byte's character, BPE symbols.</summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        public static Scratch? Shared;

        public byte[] Bytes = new byte[256];
        public int[] ByteStarts = new int[256];
        public int[] ByteEnds = new int[256];
        public int[] Ids = new int[256];
        public int[] Lengths = new int[256];
        public int[] Next = new int[256];
        public int[] Prev = new int[256];

        public int Utf8(string text, int start, int end)
        {
            var need = (end - start) * 3;
            if (need > Bytes.Length)
            {
                var size = Math.Max(need, Bytes.Length * 2);
                Bytes = new byte[size];
                ByteStarts = new int[size];
                ByteEnds = new int[size];
            }

            var n = 0;
            for (var i = start; i < end;)
            {
                int cp = text[i];
                var width = 1;
                if (char.IsSurrogate((char)cp))
                {
                    if (char.IsHighSurrogate((char)cp) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
                    {
                        cp = char.ConvertToUtf32((char)cp, text[i + 1]);
                        width = 2;
                    }
                    else
                    {
                        cp = 0xFFFD;
                    }
                }

                var written = new Rune(cp).EncodeToUtf8(Bytes.AsSpan(n));
                for (var k = 0; k < written; k++)
                {
                    ByteStarts[n + k] = i;
                    ByteEnds[n + k] = i + width;
                }

                n += written;
                i += width;
            }

            return n;
        }

        public void EnsureSymbols(int n)
        {
            if (n > Ids.Length)
            {
                var size = Math.Max(n, Ids.Length * 2);
                Ids = new int[size];
                Lengths = new int[size];
                Next = new int[size];
                Prev = new int[size];
            }
        }
    }
}
