using System.Runtime.InteropServices;

namespace MlNetGraviton.Kernels.Emit;

/// <summary>
/// A block of machine code the process can call: mapped read-write, filled, then switched to read-execute
/// (never writable and executable at once), with the instruction cache synchronised on Arm64.
/// The code is written through the very address that executes it: QEMU (and some kernels) do not see writes
/// made through a second, dual-mapped view, and would keep running stale code.
/// Linux only (macOS needs MAP_JIT and pthread_jit_write_protect_np, which nothing here uses yet).
/// </summary>
public sealed unsafe class ExecutableMemory : IDisposable
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;
    private const int PageSize = 4096;

    private byte* _address;
    private readonly nuint _mappedLength;

    private ExecutableMemory(byte* address, nuint mappedLength, int codeLength)
    {
        _address = address;
        _mappedLength = mappedLength;
        Length = codeLength;
    }

    ~ExecutableMemory() => Release();

    /// <summary>Entry point of the code; cast it to a <c>delegate* unmanaged&lt;...&gt;</c> of the code's signature.</summary>
    public nint Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(_address == null, this);
            return (nint)_address;
        }
    }

    /// <summary>Length of the code in bytes.</summary>
    public int Length { get; }

    /// <summary>True when this process can map code: Linux on x64 or Arm64.</summary>
    public static bool IsSupported =>
        OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Maps A64 instruction words (little-endian, as the CPU fetches them).</summary>
    public static ExecutableMemory FromA64(ReadOnlySpan<uint> words)
    {
        if (words.IsEmpty)
            throw new ArgumentException("No instruction words given (length 0).", nameof(words));
        return FromBytes(MemoryMarshal.AsBytes(words));
    }

    /// <summary>Maps raw machine code bytes.</summary>
    public static ExecutableMemory FromBytes(ReadOnlySpan<byte> code)
    {
        if (code.IsEmpty)
            throw new ArgumentException("No code bytes given (length 0).", nameof(code));
        if (!IsSupported)
            throw new PlatformNotSupportedException(
                $"Executable memory is implemented for Linux x64/Arm64 only, not {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}.");

        nuint length = (nuint)((code.Length + PageSize - 1) / PageSize * PageSize);
        void* p = Native.mmap(null, length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (p == (void*)-1 || p == null)
            throw new InvalidOperationException($"mmap of {length} bytes for code failed (errno {Marshal.GetLastPInvokeError()}).");
        byte* address = (byte*)p;
        code.CopyTo(new Span<byte>(address, code.Length));
        if (Native.mprotect(address, length, ProtRead | ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Native.munmap(address, length);
            throw new InvalidOperationException($"mprotect(PROT_READ|PROT_EXEC) of {length} bytes failed (errno {errno}).");
        }
        // Arm64 has separate, non-coherent instruction and data caches: the new words must be pushed
        // to the point of unification and stale instructions invalidated before the first call.
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
            Native.__clear_cache(address, address + code.Length);
        return new ExecutableMemory(address, length, code.Length);
    }

    /// <summary>Unmaps the code. Calling it while another thread runs the code is the caller's bug.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (_address != null)
        {
            Native.munmap(_address, _mappedLength);
            _address = null;
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

        [DllImport("libc", SetLastError = true)]
        internal static extern int mprotect(void* addr, nuint length, int prot);

        [DllImport("libc", SetLastError = true)]
        internal static extern int munmap(void* addr, nuint length);

        // libgcc's helper: DC CVAU + IC IVAU over the range with the right barriers (Arm64 only).
        [DllImport("libgcc_s.so.1")]
        internal static extern void __clear_cache(void* begin, void* end);
    }
}
