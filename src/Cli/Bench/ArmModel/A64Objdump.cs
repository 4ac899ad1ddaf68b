using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MlNetGraviton.Cli.Bench.ArmModel;

/// <summary>
/// binutils' A64 disassembler run on raw instruction words (<c>objdump -D -b binary -m aarch64</c>): the reading of
/// the emitted code that the model is built from, independent of the project's own encoder.
/// </summary>
internal static partial class A64Objdump
{
    public const string ToolName = "aarch64-linux-gnu-objdump";

    /// <summary>One instruction: byte offset from the first word and the text ("mnemonic operands", comments dropped).</summary>
    public readonly record struct Instruction(int Offset, string Text);

    public static IReadOnlyList<Instruction> Disassemble(ReadOnlySpan<uint> words)
    {
        ExternalTool tool = ExternalTool.Require(ToolName, "binutils-aarch64-linux-gnu", "bench gemm --arm-model");
        string file = Path.Combine(Path.GetTempPath(), $"mlnetgraviton-a64-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            var bytes = new byte[words.Length * 4];
            for (int i = 0; i < words.Length; i++)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
            File.WriteAllBytes(file, bytes);
            string output = tool.Run("-D", "-b", "binary", "-m", "aarch64", file);
            var instructions = new List<Instruction>();
            foreach (string line in output.Split('\n'))
            {
                Match m = InstructionLine().Match(line);
                if (!m.Success)
                    continue;
                string text = m.Groups["text"].Value;
                int comment = text.IndexOf("//", StringComparison.Ordinal);
                if (comment >= 0)
                    text = text[..comment];
                instructions.Add(new Instruction(
                    int.Parse(m.Groups["offset"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    Whitespace().Replace(text.Trim(), " ")));
            }
            if (instructions.Count != words.Length)
                throw new InvalidOperationException($"{ToolName} printed {instructions.Count} instructions for {words.Length} words");
            return instructions;
        }
        finally
        {
            File.Delete(file);
        }
    }

    // "   4:	4e82a420 	smmla	v0.4s, v1.16b, v2.16b"
    [GeneratedRegex(@"^\s*(?<offset>[0-9a-f]+):\s+[0-9a-f]{8}\s+(?<text>.+)$")]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
