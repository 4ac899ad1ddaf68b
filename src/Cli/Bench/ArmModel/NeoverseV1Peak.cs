namespace MlNetGraviton.Cli.Bench.ArmModel;

/// <summary>
/// Per-core peaks of Neoverse V1 (Graviton3, 2.6 GHz) for the instructions the emitted kernels use: four 128-bit
/// vector pipes each start one BFMMLA (16 MACs), SMMLA/USMMLA/UMMLA (32 MACs) or SDOT/UDOT (16 MACs) per cycle.
/// </summary>
internal static class NeoverseV1Peak
{
    public const double ClockGHz = 2.6;

    /// <summary>Multiply-accumulates per cycle per core for <paramref name="instruction"/>.</summary>
    public static int MacsPerCycle(string instruction) => instruction switch
    {
        "BFMMLA" => 4 * 16,
        "SMMLA" or "USMMLA" or "UMMLA" => 4 * 32,
        "SDOT" or "UDOT" => 4 * 16,
        _ => throw new ArgumentOutOfRangeException(nameof(instruction), instruction, "No Neoverse V1 peak is known for this instruction."),
    };

    /// <summary>Peak operations per second in units of 10^9 (a MAC counts as two operations).</summary>
    public static double PeakGigaOps(string instruction) => 2.0 * MacsPerCycle(instruction) * ClockGHz;
}
