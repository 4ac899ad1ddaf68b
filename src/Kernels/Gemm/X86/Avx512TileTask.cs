using System.Runtime.Intrinsics;
using MlNetGraviton.Kernels.Emit;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// One task of the emitted AVX-512 8×48 kernels (fp32 <see cref="Sgemm_8x48_Avx512"/>, bf16
/// <see cref="Sbgemm_8x48_Avx512Bf16"/>): a group of 8-row blocks of C against one 48-column panel of packed B, each
/// tile over all of K in one call, so a result does not depend on the thread count. Full tiles are stored by the
/// kernel itself (alpha·acc + bias (+ C)); edge tiles go through a scratch tile. The bf16 kernel reads A packed per
/// row block; the fp32 kernel reads A in place, except a last block of fewer than 8 rows, which it reads from a
/// zero-padded copy so no row past M is touched.
/// </summary>
internal unsafe struct Avx512TileTask : ITileTask
{
    public const int MR = 8, NR = 48;

    public uint* A;               // packed A blocks (bf16 pairs), or the caller's fp32 A when DirectA
    public long ABlockStride;     // uint elements from one row block to the next
    public long LdaBytes;         // DirectA: row stride of A
    public int K;                 // DirectA: floats per row (for the edge copy)
    public bool DirectA;
    public uint* B;
    public long PanelStride;      // uint elements per packed B panel
    public long Steps;            // K steps of the kernel (K for fp32, K pairs for bf16)
    public float* C, Bias;        // Bias: NR-padded per panel by the task itself; null = none
    public int Ldc, M, N, RowGroups;
    public int Threads;           // threads the pool runs the tasks on (sets which panel a tile prefetches)
    public float Alpha;
    public GemmActivation Activation;
    public bool Accumulate;
    public delegate* unmanaged<uint*, uint*, long, float*, long, SbgemmX86Epilogue*, void> Store, Tile;

    private readonly int MBlocks => (M + MR - 1) / MR;

    private readonly int BlocksPerTask => (MBlocks + RowGroups - 1) / RowGroups;

    /// <summary>Store and Tile from an emitted kernel's code per <see cref="SbgemmAvx512Bf16Emitter.Output"/>, for <see cref="Accumulate"/>.</summary>
    public void UseCode(Lazy<ExecutableMemory>[] code)
    {
        var output = Accumulate ? SbgemmAvx512Bf16Emitter.Output.Accumulate : SbgemmAvx512Bf16Emitter.Output.Store;
        Store = (delegate* unmanaged<uint*, uint*, long, float*, long, SbgemmX86Epilogue*, void>)code[(int)output].Value.Address;
        Tile = (delegate* unmanaged<uint*, uint*, long, float*, long, SbgemmX86Epilogue*, void>)code[(int)SbgemmAvx512Bf16Emitter.Output.Tile].Value.Address;
    }

    public readonly void Run(int taskIndex)
    {
        int panel = taskIndex / RowGroups, group = taskIndex % RowGroups;
        int b0 = group * BlocksPerTask, b1 = Math.Min(MBlocks, b0 + BlocksPerTask);
        int col0 = panel * NR, cols = Math.Min(NR, N - col0);
        uint* packedB = B + panel * PanelStride;
        float* tile = stackalloc float[MR * NR];
        float* biasTile = stackalloc float[NR];
        var epilogue = new SbgemmX86Epilogue { Alpha = Alpha, Bias = Bias + col0, LdaBytes = LdaBytes };
        if (Bias == null || cols < NR)
        {
            // The kernel reads NR bias values: zeros without a bias, the panel's values zero-padded at the edge.
            for (int j = 0; j < NR; j++)
                biasTile[j] = Bias != null && j < cols ? Bias[col0 + j] : 0f;
            epilogue.Bias = biasTile;
        }
        // Each tile's K loop fetches a slice of the B panel this thread likely runs next into L2 (the task Threads on:
        // the pool hands tasks out in turn), so the first tile of a panel does not wait for all of its B at once: a
        // 768-deep panel is 147 KB, and a weight matrix of 9 MB comes from memory every call. Within one panel, none.
        // A group past the last row block (more groups than blocks divide evenly into) has no tile to do it.
        int nextPanel = (taskIndex + Math.Max(1, Threads)) / RowGroups, tiles = b1 - b0;
        byte* next = tiles > 0 && nextPanel != panel && nextPanel * NR < N ? (byte*)(B + nextPanel * PanelStride) : null;
        long slice = next == null ? 0 : (PanelStride * sizeof(uint) + tiles - 1) / tiles;
        epilogue.PrefetchStep = next == null || Steps == 0 ? 0 : (slice + Steps - 1) / Steps;
        for (int blk = b0; blk < b1; blk++)
        {
            epilogue.Prefetch = next == null ? (byte*)packedB : next + (blk - b0) * slice;
            int row0 = blk * MR, rows = Math.Min(MR, M - row0);
            uint* a = A + blk * ABlockStride;
            epilogue.LdaBytes = LdaBytes;
            if (DirectA && rows < MR)
            {
                float* copy = SgemmPackedABuffer.ForCurrentThread(MR * Math.Max(K, 1));
                for (int r = 0; r < MR; r++)
                {
                    var dst = new Span<float>(copy + (long)r * K, K);
                    if (r < rows)
                        new ReadOnlySpan<float>((float*)a + r * (LdaBytes / sizeof(float)), K).CopyTo(dst);
                    else
                        dst.Clear();
                }
                a = (uint*)copy;
                epilogue.LdaBytes = (long)K * sizeof(float);
            }
            float* c = C + (long)row0 * Ldc + col0;
            if (rows == MR && cols == NR)
            {
                Store(a, packedB, Steps, c, (long)Ldc * sizeof(float), &epilogue);
            }
            else
            {
                Tile(a, packedB, Steps, tile, NR * sizeof(float), &epilogue);
                Vector512<float> alpha = Vector512.Create(Alpha);
                for (int r = 0; r < rows; r++)
                {
                    float* row = c + (long)r * Ldc, sums = tile + r * NR;
                    int j = 0;
                    for (; j + 16 <= cols; j += 16)
                    {
                        Vector512<float> baseValue = Vector512.Load(epilogue.Bias + j);
                        if (Accumulate)
                            baseValue += Vector512.Load(row + j);
                        Vector512.FusedMultiplyAdd(Vector512.Load(sums + j), alpha, baseValue).Store(row + j);
                    }
                    for (; j < cols; j++)
                        row[j] = MathF.FusedMultiplyAdd(sums[j], Alpha, epilogue.Bias[j] + (Accumulate ? row[j] : 0f));
                }
            }
            if (Activation != GemmActivation.None)
            {
                for (int r = 0; r < rows; r++)
                    SgemmActivationMath.Apply(c + (long)r * Ldc, cols, Activation);
            }
        }
    }

    /// <summary>Row groups per panel: with several threads, about 4 tasks per thread in all.</summary>
    public static int RowGroupsFor(int threads, int panels, int mBlocks)
    {
        int wanted = threads == 1 ? 1 : threads * 4;
        return Math.Clamp((wanted + panels - 1) / panels, 1, mBlocks);
    }
}
