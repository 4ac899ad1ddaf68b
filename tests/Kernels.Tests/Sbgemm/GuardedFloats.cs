using System.Runtime.InteropServices;

namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>
/// Floats placed flush against an inaccessible (PROT_NONE) page: reading one element past the end kills the process
/// with SIGSEGV, so a kernel that over-reads its input fails loudly instead of silently using garbage.
/// </summary>
internal sealed unsafe class GuardedFloats : IDisposable
{
    private const int PageSize = 4096;
    private readonly byte* _base;
    private readonly nuint _total;

    public GuardedFloats(int count)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("GuardedFloats uses mmap/mprotect (Linux).");
        nuint dataBytes = (nuint)((count * sizeof(float) + PageSize - 1) / PageSize * PageSize);
        _total = dataBytes + PageSize;
        _base = (byte*)mmap(null, _total, 3, 0x22, -1, 0); // PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS
        if (_base == (byte*)-1)
            throw new InvalidOperationException("mmap failed");
        if (mprotect(_base + dataBytes, PageSize, 0) != 0)
            throw new InvalidOperationException("mprotect(PROT_NONE) failed");
        Pointer = (float*)(_base + dataBytes) - count;
        Length = count;
    }

    public float* Pointer { get; }

    public int Length { get; }

    public Span<float> Span => new(Pointer, Length);

    public void Dispose() => munmap(_base, _total);

    [DllImport("libc")]
    private static extern void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc")]
    private static extern int mprotect(void* addr, nuint length, int prot);

    [DllImport("libc")]
    private static extern int munmap(void* addr, nuint length);
}
