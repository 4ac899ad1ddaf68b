using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// The C tiles of one QGEMM task (<see cref="QgemmBlocking"/>: a group of B panels × the row blocks of one A chunk):
/// per tile, runs the micro-kernel into a stack tile, adds any exact pair correction, then applies the zero-point
/// correction (and, for float output, the dequantize epilogue) while storing the valid part of the tile into C.
/// A struct over raw pointers: the caller pins everything for the duration of the call.
/// </summary>
internal unsafe struct QgemmTileTask : ITileTask
{
    public QgemmKernel Kernel;
    public QgemmPackedB B;
    public int M;
    public int MBlocks;
    public QgemmBlocking Blocking;
    public byte* PackedA;
    public int PackedABlockBytes;
    public int* RowSums;
    public int AZeroPoint; // as the kernel sees A (after any sign flip)
    public int* ColumnAdjust;
    public int* ZeroPointsB;
    public int* CInt;
    public float* CFloat;
    public int Ldc;
    public float AScale;
    public float* BScales;
    public bool PerColumnScale;
    public float* Bias;
    public GemmActivation Activation;
    public int* ColumnTerm;    // za·ColumnAdjust[j], for kernels that fuse the epilogue (else null)
    public float* ColumnScale; // AScale·BScales[j], for those kernels with float output (else null)
    public int Threads;        // threads the pool runs the tasks on (sets which panel a tile prefetches)

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int taskIndex)
    {
        QgemmKernel kernel = Kernel;
        QgemmBlocking blocking = Blocking;
        int mr = kernel.MR, nr = kernel.NR;
        int chunk = taskIndex / blocking.PanelTasks, panelGroup = taskIndex - chunk * blocking.PanelTasks;
        int block0 = chunk * blocking.BlocksPerChunk, block1 = Math.Min(MBlocks, block0 + blocking.BlocksPerChunk);
        int panel0 = panelGroup * blocking.PanelsPerTask, panel1 = Math.Min(B.PanelCount, panel0 + blocking.PanelsPerTask);
        QgemmPairFixup? fixup = B.PairFixup;
        int* tile = stackalloc int[mr * nr];
        bool fusedOutput = kernel.FusesEpilogue && fixup == null;
        QgemmFusedOutput output = CFloat == null ? QgemmFusedOutput.Int32 : Bias == null ? QgemmFusedOutput.Float : QgemmFusedOutput.FloatBias;
        QgemmFusedTile fused = default;
        // A fused tile's K loop fetches a slice of the next panel's B into L2: the task's next panel, or after its last
        // the first of the task this thread likely runs next (the pool hands tasks out in turn; Threads on). So a
        // panel's first tile does not wait for all of its B at once, which a weight matrix of megabytes, read from
        // memory every call, otherwise makes it do.
        int laterTask = taskIndex + Math.Max(1, Threads);
        int laterPanel = laterTask < blocking.TaskCount ? laterTask % blocking.PanelTasks * blocking.PanelsPerTask : -1;
        int tiles = block1 - block0, groups = B.KPadded / kernel.KGroup;
        for (int panel = panel0; panel < panel1; panel++)
        {
            byte* packedB = B.Panel(panel);
            int col0 = panel * nr, cols = Math.Min(nr, B.N - col0);
            int nextPanel = panel + 1 < panel1 ? panel + 1 : laterPanel;
            byte* next = nextPanel >= 0 && nextPanel != panel && tiles > 0 ? B.Panel(nextPanel) : null;
            long slice = next == null ? 0 : (B.PanelBytes + tiles - 1) / tiles;
            fused.PrefetchStep = next == null || groups == 0 ? 0 : (slice + groups - 1) / groups;
            for (int block = block0; block < block1; block++)
            {
                int row0 = block * mr, rows = Math.Min(mr, M - row0);
                byte* packedA = PackedA + (long)block * PackedABlockBytes;
                if (fusedOutput && rows == mr && cols == nr)
                {
                    fused.Prefetch = next == null ? packedB : next + (block - block0) * slice;
                    fused.ColumnTerm = ColumnTerm + col0;
                    fused.ZeroPoints = ZeroPointsB + col0;
                    fused.RowSums = RowSums + row0;
                    fused.Scales = ColumnScale == null ? null : ColumnScale + col0;
                    fused.Bias = Bias == null ? null : Bias + col0;
                    if (CFloat == null)
                    {
                        kernel.ComputeFused(packedA, packedB, B.KPadded, CInt + (long)row0 * Ldc + col0, (long)Ldc * sizeof(int), &fused, output);
                    }
                    else
                    {
                        float* c = CFloat + (long)row0 * Ldc + col0;
                        kernel.ComputeFused(packedA, packedB, B.KPadded, c, (long)Ldc * sizeof(float), &fused, output);
                    }
                    continue;
                }
                kernel.Compute(packedA, packedB, B.KPadded, tile);
                fixup?.Apply(panel, packedA, mr, kernel.KGroup, tile, nr);
                if (CFloat == null)
                    StoreInt32(tile, nr, rows, cols, row0, col0);
                else
                    StoreFloat(tile, nr, rows, cols, row0, col0);
            }
        }
        if (CFloat != null && Activation != GemmActivation.None)
        {
            // The activation over the task's whole rows × panel group at the end (still in L2) rather than per 48-column
            // tile row: a GELU call's setup then serves dozens of vectors instead of three. An element's bits do not
            // depend on the span it is in, except the scalar tail of a span, and every span here starts at a multiple
            // of 48, so the scalar elements stay the last N % 4 columns whatever the blocking or thread count.
            int colStart = panel0 * nr, colEnd = Math.Min(B.N, panel1 * nr);
            int rowEnd = Math.Min(M, block1 * mr);
            for (int i = block0 * mr; i < rowEnd; i++)
                SgemmActivationMath.Apply(CFloat + (long)i * Ldc + colStart, colEnd - colStart, Activation);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void StoreInt32(int* tile, int nr, int rows, int cols, int row0, int col0)
    {
        int* adjust = ColumnAdjust + col0;
        int* zb = ZeroPointsB + col0;
        var za = new Vector<int>(AZeroPoint);
        for (int i = 0; i < rows; i++)
        {
            int rowSum = RowSums[row0 + i];
            var rs = new Vector<int>(rowSum);
            int* t = tile + i * nr;
            int* c = CInt + (long)(row0 + i) * Ldc + col0;
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; j + Vector<int>.Count <= cols; j += Vector<int>.Count)
                {
                    Vector<int> v = Load(t + j) + za * Load(adjust + j) - Load(zb + j) * rs;
                    Unsafe.WriteUnaligned(c + j, v);
                }
            }
            for (; j < cols; j++)
                c[j] = unchecked(t[j] + AZeroPoint * adjust[j] - zb[j] * rowSum);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void StoreFloat(int* tile, int nr, int rows, int cols, int row0, int col0)
    {
        int* adjust = ColumnAdjust + col0;
        int* zb = ZeroPointsB + col0;
        float* bias = Bias == null ? null : Bias + col0;
        var za = new Vector<int>(AZeroPoint);
        var aScale = new Vector<float>(AScale);
        float tensorScale = AScale * BScales[0];
        for (int i = 0; i < rows; i++)
        {
            int rowSum = RowSums[row0 + i];
            var rs = new Vector<int>(rowSum);
            int* t = tile + i * nr;
            float* c = CFloat + (long)(row0 + i) * Ldc + col0;
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; j + Vector<int>.Count <= cols; j += Vector<int>.Count)
                {
                    Vector<int> v = Load(t + j) + za * Load(adjust + j) - Load(zb + j) * rs;
                    Vector<float> scale = PerColumnScale
                        ? aScale * Unsafe.ReadUnaligned<Vector<float>>(BScales + col0 + j)
                        : new Vector<float>(tensorScale);
                    Vector<float> f = Vector.ConvertToSingle(v) * scale;
                    if (bias != null)
                        f += Unsafe.ReadUnaligned<Vector<float>>(bias + j);
                    Unsafe.WriteUnaligned(c + j, f);
                }
            }
            for (; j < cols; j++)
            {
                int v = unchecked(t[j] + AZeroPoint * adjust[j] - zb[j] * rowSum);
                float scale = PerColumnScale ? AScale * BScales[col0 + j] : tensorScale;
                float f = v * scale;
                if (bias != null)
                    f += bias[j];
                c[j] = f;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> Load(int* p) => Unsafe.ReadUnaligned<Vector<int>>(p);
}
