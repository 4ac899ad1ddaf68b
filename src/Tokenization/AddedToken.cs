namespace MlNetGraviton.Tokenization;

/// <summary>
/// A token matched in the raw text before the model runs (HF's <c>added_tokens</c>): <c>[CLS]</c>, <c>&lt;mask&gt;</c>,
/// <c>&lt;|endoftext|&gt;</c>... <paramref name="LStrip"/>/<paramref name="RStrip"/> absorb the whitespace before/after
/// a match; <paramref name="SingleWord"/> only matches between word boundaries; <paramref name="Special"/> tokens are
/// dropped by decoding with <c>skipSpecialTokens</c>.
/// </summary>
public sealed record AddedToken(
    string Content, int Id, bool Special = true, bool LStrip = false, bool RStrip = false, bool SingleWord = false, bool Normalized = false);
