using System.Runtime.InteropServices;

namespace MlNetGraviton.Runtime.Tests;

/// <summary>Seeded random tensors of any element type, and their raw bytes for exact comparison.</summary>
internal static class RandomTensors
{
    public static Tensor Make(TensorElementType type, long[] shape, int seed)
    {
        var rng = new Random(seed);
        Tensor t = Tensor.Zeros(type, shape);
        switch (type)
        {
            case TensorElementType.Float32: Fill(t.AsSpan<float>(), () => (float)(rng.NextDouble() * 200 - 100)); break;
            case TensorElementType.Float16: Fill(t.AsSpan<Half>(), () => (Half)(rng.NextDouble() * 20 - 10)); break;
            case TensorElementType.Int64: Fill(t.AsSpan<long>(), () => rng.NextInt64(long.MinValue, long.MaxValue)); break;
            case TensorElementType.Int32: Fill(t.AsSpan<int>(), () => rng.Next(int.MinValue, int.MaxValue)); break;
            case TensorElementType.Int8: Fill(t.AsSpan<sbyte>(), () => (sbyte)rng.Next(-128, 128)); break;
            case TensorElementType.UInt8: Fill(t.AsSpan<byte>(), () => (byte)rng.Next(0, 256)); break;
            case TensorElementType.Bool: Fill(t.AsSpan<bool>(), () => rng.Next(2) == 1); break;
        }
        return t;
    }

    public static float[] Floats(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return values;
    }

    public static byte[] Bytes(Tensor t) =>
        MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(t.Data), (int)t.SizeInBytes).ToArray();

    private static void Fill<T>(Span<T> span, Func<T> next)
    {
        for (int i = 0; i < span.Length; i++)
            span[i] = next();
    }
}
