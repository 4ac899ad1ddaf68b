using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MlNetGraviton.Kernels.Tests.Emit;

/// <summary>
/// binutils' A64 disassembler (<c>aarch64-linux-gnu-objdump</c>, installed by scripts/arm64/setup.sh):
/// an encoder-independent reading of the words the emitter writes.
/// </summary>
internal static partial class A64Disassembler
{
    public const string Tool = "aarch64-linux-gnu-objdump";

    private static readonly Lazy<string?> s_path = new(FindTool);

    /// <summary>Full path of the tool, or null when it is not installed.</summary>
    public static string? ToolPath => s_path.Value;

    /// <summary>Skips the calling test, with the reason, when the tool is absent.</summary>
    public static void SkipIfUnavailable()
    {
        if (ToolPath is null)
            Assert.Skip($"{Tool} not found on PATH (install binutils-aarch64-linux-gnu, e.g. with scripts/arm64/setup.sh)");
    }

    /// <summary>One line per word: "mnemonic operands", whitespace collapsed, objdump's "// ..." comments dropped.</summary>
    public static IReadOnlyList<string> Disassemble(ReadOnlySpan<uint> words)
    {
        string tool = ToolPath ?? throw new InvalidOperationException($"{Tool} is not installed.");
        string file = Path.Combine(Path.GetTempPath(), $"a64-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            var bytes = new byte[words.Length * 4];
            for (int i = 0; i < words.Length; i++)
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
            File.WriteAllBytes(file, bytes);
            var psi = new ProcessStartInfo(tool)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[] { "-D", "-b", "binary", "-m", "aarch64", file })
                psi.ArgumentList.Add(arg);
            using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
            string output = p.StandardOutput.ReadToEnd();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"{tool} exited {p.ExitCode}: {error}");
            var lines = new List<string>();
            foreach (string line in output.Split('\n'))
            {
                Match m = InstructionLine().Match(line);
                if (!m.Success)
                    continue;
                string text = m.Groups["text"].Value;
                int comment = text.IndexOf("//", StringComparison.Ordinal);
                if (comment >= 0)
                    text = text[..comment];
                lines.Add(Whitespace().Replace(text.Trim(), " "));
            }
            if (lines.Count != words.Length)
                throw new InvalidOperationException($"{tool} printed {lines.Count} instructions for {words.Length} words:\n{output}");
            return lines;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string? FindTool()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
            return null;
        foreach (string dir in path.Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, Tool);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    // "   4:	4e82a420 	smmla	v0.4s, v1.16b, v2.16b"
    [GeneratedRegex(@"^\s*[0-9a-f]+:\s+[0-9a-f]{8}\s+(?<text>.+)$")]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
