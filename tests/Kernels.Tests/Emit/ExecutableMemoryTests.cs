using System.Runtime.InteropServices;
using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Tests.Emit;

public sealed unsafe class ExecutableMemoryTests
{
    // x86-64: lea rax, [rdi + rsi]; ret   A64: add x0, x0, x1; ret   (both: long f(long a, long b) => a + b)
    private static readonly byte[] s_x64Add = [0x48, 0x8D, 0x04, 0x37, 0xC3];
    private static readonly uint[] s_a64Add = [0x8B010000, 0xD65F03C0];
    private static readonly uint[] s_a64Sub = [0xCB010000, 0xD65F03C0];

    [Fact]
    public void MappedCodeRunsAndReturnsItsResult()
    {
        Assert.True(ExecutableMemory.IsSupported, $"executable memory should be supported on {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}");
        using ExecutableMemory code = Map(s_a64Add);
        var add = (delegate* unmanaged<long, long, long>)code.Address;
        Assert.Equal(42, add(40, 2));
        Assert.Equal(-5, add(-7, 2));
    }

    [Fact]
    public void FreshBufferRunsNewCodeNotAStaleTranslation()
    {
        // QEMU caches translated blocks per address; a second mapping, possibly at the same address
        // after the first was unmapped, must run the new words.
        for (int i = 0; i < 3; i++)
        {
            using (ExecutableMemory add = Map(s_a64Add))
                Assert.Equal(42, ((delegate* unmanaged<long, long, long>)add.Address)(40, 2));
            if (RuntimeInformation.ProcessArchitecture != Architecture.Arm64)
                continue;
            using ExecutableMemory sub = ExecutableMemory.FromA64(s_a64Sub);
            Assert.Equal(38, ((delegate* unmanaged<long, long, long>)sub.Address)(40, 2));
        }
    }

    [Fact]
    public void DisposedCodeHasNoAddressAndEmptyCodeIsRejected()
    {
        ExecutableMemory code = Map(s_a64Add);
        Assert.True(code.Length > 0);
        code.Dispose();
        code.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => code.Address);
        Assert.Equal("words", Assert.Throws<ArgumentException>(() => ExecutableMemory.FromA64([])).ParamName);
        Assert.Equal("code", Assert.Throws<ArgumentException>(() => ExecutableMemory.FromBytes([])).ParamName);
    }

    [Fact]
    public void LargeCodeSpanningSeveralPagesIsMappedWhole()
    {
        // 3000 words = 12 000 bytes: three pages. Only the final two instructions do anything.
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            var words = new uint[3000];
            words.AsSpan().Fill(0xD503201F); // nop
            words[^2] = s_a64Add[0];
            words[^1] = s_a64Add[1];
            using ExecutableMemory code = ExecutableMemory.FromA64(words);
            Assert.Equal(12000, code.Length);
            Assert.Equal(42, ((delegate* unmanaged<long, long, long>)code.Address)(40, 2));
        }
        else
        {
            var bytes = new byte[12000];
            bytes.AsSpan().Fill(0x90); // nop
            s_x64Add.CopyTo(bytes.AsSpan(bytes.Length - s_x64Add.Length));
            using ExecutableMemory code = ExecutableMemory.FromBytes(bytes);
            Assert.Equal(42, ((delegate* unmanaged<long, long, long>)code.Address)(40, 2));
        }
    }

    private static ExecutableMemory Map(uint[] a64) =>
        RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? ExecutableMemory.FromA64(a64) : ExecutableMemory.FromBytes(s_x64Add);
}
