namespace MlNetGraviton.Cli;

/// <summary>
/// A small, strict parser for "--name value", "--name=value", "--flag" and positional arguments.
/// Every option a command reads is declared through it; anything left over is an error naming it.
/// </summary>
internal sealed class CommandLineArgs
{
    private readonly List<string> _positionals = new();
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandLineArgs(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        string? pending = null;
        foreach (string arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2 || arg.StartsWith('-') && arg.Length == 2 && !char.IsDigit(arg[1]))
            {
                pending = null;
                string name = arg.TrimStart('-');
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                if (!_options.TryGetValue(name, out List<string>? values))
                    _options[name] = values = new List<string>();
                if (value is not null)
                    values.Add(value);
                else if (!flags.Contains(name))
                    pending = name;
            }
            else if (pending is not null)
            {
                _options[pending].Add(arg);
            }
            else
            {
                _positionals.Add(arg);
            }
        }
    }

    public IReadOnlyList<string> Positionals => _positionals;

    public bool Flag(string name, params string[] aliases)
    {
        bool on = false;
        foreach (string n in aliases.Prepend(name))
        {
            _read.Add(n);
            on |= _options.ContainsKey(n);
        }
        return on;
    }

    public IReadOnlyList<string> Values(string name, params string[] aliases)
    {
        var all = new List<string>();
        foreach (string n in aliases.Prepend(name))
        {
            _read.Add(n);
            if (_options.TryGetValue(n, out List<string>? v))
            {
                if (v.Count == 0)
                    throw new UsageException($"option --{n} needs a value");
                all.AddRange(v);
            }
        }
        return all;
    }

    public string? Value(string name, params string[] aliases)
    {
        IReadOnlyList<string> v = Values(name, aliases);
        if (v.Count > 1)
            throw new UsageException($"option --{name} takes one value, got: {string.Join(' ', v)}");
        return v.Count == 0 ? null : v[0];
    }

    public string Required(string name, params string[] aliases) =>
        Value(name, aliases) ?? throw new UsageException($"missing required option --{name}");

    public int Int(string name, int defaultValue, params string[] aliases)
    {
        string? text = Value(name, aliases);
        if (text is null)
            return defaultValue;
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value))
            throw new UsageException($"option --{name} expects an integer, got '{text}'");
        return value;
    }

    /// <summary>Fails on options the command never asked about, so typos are not silently ignored.</summary>
    public void EnsureAllRead(int maxPositionals)
    {
        string? unknown = _options.Keys.FirstOrDefault(k => !_read.Contains(k));
        if (unknown is not null)
            throw new UsageException($"unknown option --{unknown}");
        if (_positionals.Count > maxPositionals)
            throw new UsageException($"unexpected argument '{_positionals[maxPositionals]}'");
    }
}

/// <summary>A command-line mistake: printed with the command's usage, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
