namespace MlNetGraviton.Tokenization.Processing;

/// <summary>
/// Growable, reusable buffers a tokenizer appends tokens to: id and UTF-16 offsets into the encoded text.
/// One per thread (see <see cref="Rent"/>), so encoding allocates nothing per token once warmed up.
/// </summary>
internal sealed class TokenSink
{
    [ThreadStatic]
    private static TokenSink? _shared;

    [ThreadStatic]
    private static TokenSink? _second;

    public int[] Ids = new int[64];
    public int[] Starts = new int[64];
    public int[] Ends = new int[64];

    /// <summary>Pre-token (word, piece or added token) each token came from, numbered from 0.</summary>
    public int[] Splits = new int[64];
    public int Count;

    /// <summary>Number of pre-tokens started; which of them are added tokens.</summary>
    public int SplitCount;
    public bool[] SplitIsAdded = new bool[64];

    /// <summary>This thread's sink, emptied.</summary>
    public static TokenSink Rent()
    {
        var sink = _shared ??= new TokenSink();
        sink.Count = 0;
        sink.SplitCount = 0;
        return sink;
    }

    /// <summary>A second sink for this thread (a pair's second text), emptied.</summary>
    public static TokenSink RentSecond()
    {
        var sink = _second ??= new TokenSink();
        sink.Count = 0;
        sink.SplitCount = 0;
        return sink;
    }

    /// <summary>Starts the next pre-token: the tokens added from now on belong to it.</summary>
    public void NextSplit(bool isAdded = false)
    {
        if (SplitCount == SplitIsAdded.Length)
        {
            Array.Resize(ref SplitIsAdded, SplitCount * 2);
        }

        SplitIsAdded[SplitCount++] = isAdded;
    }

    public void Add(int id, int start, int end)
    {
        if (Count == Ids.Length)
        {
            Grow();
        }

        Ids[Count] = id;
        Starts[Count] = start;
        Ends[Count] = end;
        Splits[Count] = SplitCount - 1;
        Count++;
    }

    public int[] IdsArray() => Ids.AsSpan(0, Count).ToArray();

    private void Grow()
    {
        var size = Ids.Length * 2;
        Array.Resize(ref Ids, size);
        Array.Resize(ref Starts, size);
        Array.Resize(ref Ends, size);
        Array.Resize(ref Splits, size);
    }
}
