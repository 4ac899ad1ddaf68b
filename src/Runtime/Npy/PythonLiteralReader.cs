using System.Globalization;

namespace MlNetGraviton.Runtime;

/// <summary>
/// Reads the small subset of Python literals a .npy header uses: a dict with string keys whose values are
/// strings, True/False, integers, and tuples or lists of those. Anything else is a <see cref="FormatException"/>.
/// </summary>
internal sealed class PythonLiteralReader
{
    private readonly string _text;
    private int _pos;

    public PythonLiteralReader(string text) => _text = text;

    public Dictionary<string, object> ReadHeaderDict()
    {
        SkipSpace();
        Expect('{');
        var dict = new Dictionary<string, object>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace();
            if (TryConsume('}'))
                break;
            if (ReadValue() is not string key)
                throw Error("dict keys must be strings");
            SkipSpace();
            Expect(':');
            if (!dict.TryAdd(key, ReadValue()))
                throw Error($"duplicate key '{key}'");
            SkipSpace();
            if (TryConsume(','))
                continue;
            SkipSpace();
            Expect('}');
            break;
        }
        SkipSpace();
        if (_pos != _text.Length)
            throw Error("unexpected text after the dict");
        return dict;
    }

    private object ReadValue()
    {
        SkipSpace();
        if (_pos >= _text.Length)
            throw Error("unexpected end of header");
        char c = _text[_pos];
        if (c is '\'' or '"')
            return ReadString(c);
        if (c is '(' or '[')
            return ReadSequence(c == '(' ? ')' : ']');
        if (c == '-' || char.IsAsciiDigit(c))
            return ReadInteger();
        if (TryConsumeWord("True"))
            return true;
        if (TryConsumeWord("False"))
            return false;
        throw Error($"unexpected '{c}'");
    }

    private string ReadString(char quote)
    {
        int start = ++_pos;
        int end = _text.IndexOf(quote, start);
        if (end < 0)
            throw Error("unterminated string");
        _pos = end + 1;
        return _text[start..end];
    }

    private List<object> ReadSequence(char close)
    {
        _pos++;
        var items = new List<object>();
        while (true)
        {
            SkipSpace();
            if (TryConsume(close))
                return items;
            items.Add(ReadValue());
            SkipSpace();
            if (TryConsume(','))
                continue;
            Expect(close);
            return items;
        }
    }

    private long ReadInteger()
    {
        int start = _pos;
        if (_text[_pos] == '-')
            _pos++;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            _pos++;
        if (!long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw Error($"bad integer '{_text[start.._pos]}'");
        TryConsume('L'); // Python 2 wrote long integers as 3L
        return value;
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            _pos++;
    }

    private bool TryConsume(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c)
        {
            _pos++;
            return true;
        }
        return false;
    }

    private bool TryConsumeWord(string word)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
            return false;
        _pos += word.Length;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
            throw Error(_pos < _text.Length ? $"expected '{c}' but found '{_text[_pos]}'" : $"expected '{c}' at the end");
    }

    private FormatException Error(string problem) => new($"{problem} at character {_pos}");
}
