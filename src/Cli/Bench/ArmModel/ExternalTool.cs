using System.Diagnostics;

namespace MlNetGraviton.Cli.Bench.ArmModel;

/// <summary>A command-line tool found on PATH and run to completion with its output captured.</summary>
internal sealed class ExternalTool
{
    private ExternalTool(string name, string path)
    {
        Name = name;
        Path = path;
    }

    public string Name { get; }

    public string Path { get; }

    /// <summary>
    /// The tool <paramref name="name"/> from PATH; when absent, an error naming it and the Debian package that
    /// installs it (<paramref name="package"/>).
    /// </summary>
    public static ExternalTool Require(string name, string package, string purpose)
    {
        string? pathVariable = Environment.GetEnvironmentVariable("PATH");
        foreach (string dir in (pathVariable ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
                return new ExternalTool(name, candidate);
        }
        throw new InvalidOperationException(
            $"{purpose} needs {name}, which is not on PATH: install the Debian package {package} (as root: apt-get install -y {package})");
    }

    /// <summary>Runs the tool and returns its standard output; a non-zero exit is an error carrying its standard error.</summary>
    public string Run(params string[] arguments)
    {
        var psi = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            psi.ArgumentList.Add(argument);
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Name}");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Name} exited with code {process.ExitCode}: {error.Result.Trim()}");
        return output;
    }
}
