using System.Globalization;
using System.Text.RegularExpressions;

namespace MlNetGraviton.Cli.Bench.ArmModel;

/// <summary>
/// The K-step loop of a disassembled micro-kernel: the instructions from the target of its one backward
/// conditional branch up to that branch, written as assembly llvm-mca accepts (the branch aimed at a label).
/// </summary>
internal static partial class KStepLoop
{
    public static IReadOnlyList<string> Extract(string kernel, IReadOnlyList<A64Objdump.Instruction> code)
    {
        var backward = new List<(int Index, int Target)>();
        for (int i = 0; i < code.Count; i++)
        {
            Match m = ConditionalBranch().Match(code[i].Text);
            if (!m.Success)
                continue;
            int target = int.Parse(m.Groups["target"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (target <= code[i].Offset)
                backward.Add((i, target));
        }
        if (backward.Count != 1)
            throw new InvalidOperationException($"{kernel}: expected exactly one backward branch (the K loop), found {backward.Count}");
        (int branch, int loopTarget) = backward[0];
        int start = code.ToList().FindIndex(x => x.Offset == loopTarget);
        if (start < 0)
            throw new InvalidOperationException($"{kernel}: the K loop's branch targets 0x{loopTarget:x}, which is not an instruction");

        var body = new List<string>(branch - start + 2) { ".Lkstep:" };
        for (int i = start; i < branch; i++)
            body.Add(code[i].Text);
        body.Add(ConditionalBranch().Match(code[branch].Text).Groups["mnemonic"].Value + " .Lkstep");
        return body;
    }

    // "b.ne 0x40" or "cbnz x2, 0x40" (objdump prints absolute offsets)
    [GeneratedRegex(@"^(?<mnemonic>b\.\w+|cbn?z \w+,|tbn?z \w+, #\d+,) 0x(?<target>[0-9a-f]+)$")]
    private static partial Regex ConditionalBranch();
}
