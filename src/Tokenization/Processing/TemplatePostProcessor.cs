namespace MlNetGraviton.Tokenization.Processing;

/// <summary>
/// Where special tokens go around one text or a pair, with the segment (type) id of every piece: HF's
/// <c>TemplateProcessing</c>, to which <c>BertProcessing</c>, <c>RobertaProcessing</c> and <c>ByteLevel</c> reduce.
/// <see cref="TrimOffsets"/> is byte-level's offset trimming (leading/trailing spaces left out of a token's span).
/// </summary>
internal sealed class TemplatePostProcessor
{
    public TemplatePostProcessor(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair, bool trimOffsets = false, bool addPrefixSpace = false)
    {
        Single = single;
        Pair = pair;
        TrimOffsets = trimOffsets;
        AddPrefixSpace = addPrefixSpace;
    }

    public IReadOnlyList<TemplatePiece> Single { get; }

    public IReadOnlyList<TemplatePiece> Pair { get; }

    public bool TrimOffsets { get; }

    public bool AddPrefixSpace { get; }

    /// <summary><c>[CLS] A [SEP]</c> and <c>[CLS] A [SEP] B:1 [SEP]:1</c>.</summary>
    public static TemplatePostProcessor Bert(int clsId, int sepId) => new(
        [TemplatePiece.Special(clsId, 0), TemplatePiece.Sequence(0, 0), TemplatePiece.Special(sepId, 0)],
        [TemplatePiece.Special(clsId, 0), TemplatePiece.Sequence(0, 0), TemplatePiece.Special(sepId, 0), TemplatePiece.Sequence(1, 1), TemplatePiece.Special(sepId, 1)]);

    /// <summary><c>&lt;s&gt; A &lt;/s&gt;</c> and <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>, all segment 0, offsets trimmed.</summary>
    public static TemplatePostProcessor Roberta(int clsId, int sepId, bool trimOffsets = true, bool addPrefixSpace = false) => new(
        [TemplatePiece.Special(clsId, 0), TemplatePiece.Sequence(0, 0), TemplatePiece.Special(sepId, 0)],
        [TemplatePiece.Special(clsId, 0), TemplatePiece.Sequence(0, 0), TemplatePiece.Special(sepId, 0), TemplatePiece.Special(sepId, 0), TemplatePiece.Sequence(1, 0), TemplatePiece.Special(sepId, 0)],
        trimOffsets, addPrefixSpace);

    /// <summary>No special tokens; a pair's second text is segment 1 (GPT-2, or no post-processor at all).</summary>
    public static TemplatePostProcessor Plain(bool trimOffsets = false, bool addPrefixSpace = false) => new(
        [TemplatePiece.Sequence(0, 0)], [TemplatePiece.Sequence(0, 0), TemplatePiece.Sequence(1, 1)], trimOffsets, addPrefixSpace);

    /// <summary>How many special tokens the template adds.</summary>
    public int AddedCount(bool pair) => (pair ? Pair : Single).Sum(p => p.IsSequence ? 0 : p.SpecialIds.Length);
}

/// <summary>One piece of a template: a sequence (0 = first text, 1 = second) or special token ids, with their type id.</summary>
internal sealed record TemplatePiece(bool IsSequence, int SequenceIndex, int[] SpecialIds, int TypeId)
{
    public static TemplatePiece Sequence(int index, int typeId) => new(true, index, [], typeId);

    public static TemplatePiece Special(int id, int typeId) => new(false, -1, [id], typeId);

    public static TemplatePiece Special(int[] ids, int typeId) => new(false, -1, ids, typeId);
}
