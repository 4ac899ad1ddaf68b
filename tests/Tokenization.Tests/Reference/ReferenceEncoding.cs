namespace MlNetGraviton.Tokenization.Tests.Reference;

/// <summary>One row the reference script wrote: Hugging Face's encoding (offsets in UTF-16), or the error it raised.</summary>
internal sealed record ReferenceEncoding(
    int[] Ids, int[] TypeIds, int[] Mask, int[] SpecialMask, string[] Tokens, (int Start, int End)[] Offsets, string Decoded, string DecodedAll, string? Error);
