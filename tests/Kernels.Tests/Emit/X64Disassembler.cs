using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MlNetGraviton.Kernels.Tests.Emit;

/// <summary>
/// binutils' x86-64 disassembler (<c>objdump</c>, Intel syntax): an encoder-independent reading of the bytes the
/// x86 emitter writes.
/// </summary>
internal static partial class X64Disassembler
{
    public const string Tool = "objdump";

    private static readonly Lazy<string?> s_path = new(FindTool);

    /// <summary>Full path of the tool, or null when it is not installed.</summary>
    public static string? ToolPath => s_path.Value;

    /// <summary>Skips the calling test, with the reason, when the tool is absent.</summary>
    public static void SkipIfUnavailable()
    {
        if (ToolPath is null)
            Assert.Skip($"{Tool} not found on PATH (install binutils)");
    }

    /// <summary>
    /// The AVX-512 tile kernels' frame: rbx and r12 (callee-saved) pushed first and popped last before vzeroupper and ret,
    /// loaded from the epilogue (the pointer at <paramref name="epilogueOffset"/>, the step after it) and used by nothing but the K loop's prefetch (prefetcht1 [rbx]; add rbx, r12); no other
    /// stack or frame register.
    /// </summary>
    public static void AssertPrefetchesOnCalleeSavedPair(IReadOnlyList<string> code, IReadOnlyList<string> loopBody, int epilogueOffset = 0x18)
    {
        Assert.Equal(["push rbx", "push r12"], code.Take(2));
        Assert.Equal(["pop r12", "pop rbx", "vzeroupper", "ret"], code.Skip(code.Count - 4));
        Assert.Contains("prefetcht1 BYTE PTR [rbx]", loopBody);
        Assert.Contains("add rbx,r12", loopBody);
        string[] inner = code.Skip(2).Take(code.Count - 6).ToArray();
        Assert.Equal([$"mov rbx,QWORD PTR [r9+0x{epilogueOffset:x}]", $"mov r12,QWORD PTR [r9+0x{epilogueOffset + 8:x}]", "prefetcht1 BYTE PTR [rbx]", "add rbx,r12"],
            inner.Where(l => l.Contains("rbx", StringComparison.Ordinal) || l.Contains("r12", StringComparison.Ordinal)));
        Assert.DoesNotContain(inner, l => l.Contains("rsp", StringComparison.Ordinal) || l.Contains("rbp", StringComparison.Ordinal)
            || l.StartsWith("push", StringComparison.Ordinal) || l.StartsWith("pop", StringComparison.Ordinal));
    }

    /// <summary>One line per instruction: "mnemonic operands", whitespace collapsed.</summary>
    public static IReadOnlyList<string> Disassemble(ReadOnlySpan<byte> code)
    {
        string tool = ToolPath ?? throw new InvalidOperationException($"{Tool} is not installed.");
        string file = Path.Combine(Path.GetTempPath(), $"x64-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            File.WriteAllBytes(file, code.ToArray());
            var psi = new ProcessStartInfo(tool)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[] { "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel", file })
                psi.ArgumentList.Add(arg);
            using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
            string output = p.StandardOutput.ReadToEnd();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"{tool} exited {p.ExitCode}: {error}");
            var lines = new List<string>();
            int bytes = 0;
            foreach (string line in output.Split('\n'))
            {
                // "   0:\t62 f2 7e 48 52 ca    \tvdpbf16ps zmm1,zmm0,zmm2"; long encodings continue on a line without text.
                Match m = InstructionLine().Match(line);
                if (!m.Success)
                    continue;
                bytes += m.Groups["bytes"].Value.Trim().Split(' ').Length;
                string text = m.Groups["text"].Value;
                if (text.Length > 0)
                    lines.Add(Whitespace().Replace(text.Trim(), " "));
            }
            if (bytes != code.Length)
                throw new InvalidOperationException($"{tool} read {bytes} bytes of {code.Length}:\n{output}");
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

    [GeneratedRegex(@"^\s*[0-9a-f]+:\t(?<bytes>(?:[0-9a-f]{2} ?)+)\s*(?:\t(?<text>.*))?$")]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
