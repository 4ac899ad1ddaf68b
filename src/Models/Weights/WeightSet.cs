using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Models.Weights;

/// <summary>
/// Float initializers declared while the graph is built and filled afterwards, in parallel, from a seed.
/// Every 64K-element chunk has its own stream derived from (seed, tensor name, chunk index), so the bytes
/// do not depend on thread count or scheduling.
/// </summary>
internal sealed class WeightSet
{
    private const int ChunkElements = 1 << 16;
    private readonly List<(TensorProto Tensor, long Rows, long Columns, WeightInit Init)> pending = [];

    public TensorProto Declare(string name, long[] dims, WeightInit init)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        long columns = dims.Length == 0 ? 1 : dims[^1];
        long rows = dims.Length <= 1 ? 1 : dims[..^1].Aggregate(1L, (a, b) => a * b);
        pending.Add((tensor, rows, columns, init));
        return tensor;
    }

    public void Fill(int seed)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; writing it on a big-endian machine is not supported.");

        var buffers = new byte[pending.Count][];
        var chunks = new List<(int Tensor, long Start, int Count)>();
        for (int i = 0; i < pending.Count; i++)
        {
            long count = pending[i].Rows * pending[i].Columns;
            if (count * sizeof(float) > Array.MaxLength)
                throw new InvalidOperationException($"Initializer '{pending[i].Tensor.Name}' has {count} elements, more than one buffer can hold.");
            buffers[i] = GC.AllocateUninitializedArray<byte>((int)(count * sizeof(float)));
            for (long start = 0; start < count; start += ChunkElements)
                chunks.Add((i, start, (int)Math.Min(ChunkElements, count - start)));
        }

        Parallel.ForEach(chunks, chunk =>
        {
            var (tensor, _, columns, init) = pending[chunk.Tensor];
            var values = MemoryMarshal.Cast<byte, float>(buffers[chunk.Tensor].AsSpan()).Slice((int)chunk.Start, chunk.Count);
            ulong streamSeed = SplitMix64.Mix(SplitMix64.Mix((ulong)(uint)seed ^ NameHash(tensor.Name)) ^ (ulong)chunk.Start);
            var normal = new NormalSampler(streamSeed);
            long row = chunk.Start / columns, column = chunk.Start % columns;
            for (int j = 0; j < values.Length; j++)
            {
                float std = column < init.LeadingColumns ? init.LeadingStd : init.Std;
                values[j] = row == init.ZeroRow ? 0f
                    : std == 0f ? init.Mean
                    : init.Mean + (float)(std * normal.Next());
                if (++column == columns)
                {
                    column = 0;
                    row++;
                }
            }
        });

        for (int i = 0; i < pending.Count; i++)
            pending[i].Tensor.RawData = UnsafeByteOperations.UnsafeWrap(buffers[i]);
        pending.Clear();
    }

    /// <summary>FNV-1a over the UTF-16 name: string.GetHashCode is randomised per process.</summary>
    private static ulong NameHash(string name)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in name)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
