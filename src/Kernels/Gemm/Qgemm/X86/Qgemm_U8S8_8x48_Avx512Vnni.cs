using System.Runtime.InteropServices;
using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// x86 AVX512-VNNI (VPDPBUSD zmm, emitted as machine code: see <see cref="QgemmVnni512Emitter"/>): u8 A × s8 B,
/// 8×48 tile (24 accumulators, 3 B vectors, the rest for broadcast A rows), K step 4, bytes packed as they are.
/// VPDPBUSD sums four u8·s8 products into int32 without intermediate saturation, so results are exact for any
/// weights (no 7-bit weights or pair corrections needed). Full tiles are written straight to C with the zero-point
/// correction and dequantize fused.
/// </summary>
internal sealed unsafe class Qgemm_U8S8_8x48_Avx512Vnni : QgemmKernel
{
    private const int Rows = 8, Vectors = 3;

    public static readonly Qgemm_U8S8_8x48_Avx512Vnni Instance = new();

    // One code block per output form: no branches on the form inside the emitted code.
    private readonly Lazy<ExecutableMemory>[] _code =
        Enum.GetValues<QgemmVnni512Emitter.Output>()
            .Select(o => new Lazy<ExecutableMemory>(() => ExecutableMemory.FromBytes(QgemmVnni512Emitter.Emit(Rows, Vectors, o))))
            .ToArray();

    public override string Name => "Qgemm_U8S8_8x48_Avx512Vnni";
    public override int MR => Rows;
    public override int NR => 16 * Vectors;
    public override int KGroup => 4;
    public override bool ASigned => false;
    public override bool FusesEpilogue => true;

    // The process itself must be x64: a feature set describing another machine must never reach emitted x86 code.
    public override bool IsSupported(CpuFeatures cpu) =>
        cpu.IsX64 && cpu.Avx512F && cpu.Avx512Vnni && ExecutableMemory.IsSupported
        && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    // Bytes as they are in 4-byte groups: the vectorized packer (int32 words, VPSADBW row sums), not the generic one.
    public override void PackABlock(byte* a, int lda, int rows, int k, bool sourceSigned, byte* block, int* rowSums)
        => QgemmPacking.PackRowsU8Group4(a, lda, rows, k, MR, sourceSigned != ASigned, block, rowSums);

    /// <summary>The emitted code for <paramref name="output"/> (for tests that disassemble it).</summary>
    internal static byte[] Emit(QgemmVnni512Emitter.Output output) => QgemmVnni512Emitter.Emit(Rows, Vectors, output);

    public override void Compute(byte* packedA, byte* packedB, int kPadded, int* tile)
        => Call(QgemmVnni512Emitter.Output.Tile, packedA, packedB, kPadded, tile, NR * sizeof(int), null);

    public override void ComputeFused(byte* packedA, byte* packedB, int kPadded, void* c, long ldcBytes,
        QgemmFusedTile* tile, QgemmFusedOutput output)
        => Call(output switch
        {
            QgemmFusedOutput.Int32 => QgemmVnni512Emitter.Output.Int32,
            QgemmFusedOutput.Float => QgemmVnni512Emitter.Output.Float,
            _ => QgemmVnni512Emitter.Output.FloatBias,
        }, packedA, packedB, kPadded, c, ldcBytes, tile);

    private void Call(QgemmVnni512Emitter.Output output, byte* packedA, byte* packedB, int kPadded, void* c, long ldcBytes, QgemmFusedTile* tile)
        => ((delegate* unmanaged<byte*, byte*, long, void*, long, QgemmFusedTile*, void>)_code[(int)output].Value.Address)(
            packedA, packedB, kPadded / 4, c, ldcBytes, tile);
}
