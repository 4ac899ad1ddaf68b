using System.Text;

namespace MlNetGraviton.Tokenization.Tests.Reference;

/// <summary>Collects differences from the reference and fails once with the first few, each with its line and both values.</summary>
internal sealed class Mismatches(string what)
{
    private readonly StringBuilder _report = new();
    private int _count;

    public void Add(int line, string text, string field, string expected, string actual)
    {
        if (++_count <= 10)
        {
            _report.Append("line ").Append(line).Append(' ').Append(JsonText.Escape(text.Length > 300 ? text[..300] + "…" : text)).Append('\n')
                .Append("  ").Append(field).Append(" expected (HF): ").Append(expected).Append('\n')
                .Append("  ").Append(field).Append(" actual (ours): ").Append(actual).Append('\n');
        }
    }

    public void Check<T>(int line, string text, string field, IReadOnlyList<T> expected, IReadOnlyList<T> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            Add(line, text, field, Show(expected), Show(actual));
        }
    }

    public void AssertNone(int total)
    {
        Assert.True(_count == 0, $"{what}: {_count} of {total} differ from Hugging Face's tokenizers; first ones:\n{_report}");
    }

    private static string Show<T>(IReadOnlyList<T> values) => "[" + string.Join(",", values.Take(80)) + (values.Count > 80 ? ",…" : "") + "]";
}
