using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Tests.Threading;

public sealed unsafe class KernelThreadPoolTests
{
    /// <summary>Counts how often each index ran, through a raw pointer so the struct stays unmanaged and copy-free.</summary>
    private struct CountingTask : ITileTask
    {
        public int* Counts;

        public readonly void Run(int taskIndex) => Interlocked.Increment(ref Counts[taskIndex]);
    }

    private struct ThrowingTask : ITileTask
    {
        public int ThrowAt;
        public int* Ran;

        public readonly void Run(int taskIndex)
        {
            Interlocked.Increment(ref *Ran);
            if (taskIndex == ThrowAt)
                throw new InvalidOperationException($"task {taskIndex} failed");
        }
    }

    /// <summary>A task holding managed references, to check that such structs work too.</summary>
    private struct ManagedTask : ITileTask
    {
        public int[] Counts;
        public string Tag;

        public readonly void Run(int taskIndex)
        {
            if (Tag != "tag")
                throw new InvalidOperationException("task state not seen by the worker");
            Interlocked.Increment(ref Counts[taskIndex]);
        }
    }

    private struct NestedTask : ITileTask
    {
        public int* Counts;
        public int Inner;

        public readonly void Run(int taskIndex)
        {
            var inner = new CountingTask { Counts = Counts + taskIndex * Inner };
            KernelThreadPool.Shared.For(ref inner, Inner, threads: 4);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Every_index_runs_exactly_once(int threads)
    {
        foreach (int count in new[] { 0, 1, 2, 3, 5, 7, 16, 17, 100, 1000 })
        {
            int[] counts = new int[Math.Max(count, 1)];
            fixed (int* p = counts)
            {
                for (int repeat = 0; repeat < 20; repeat++)
                {
                    var task = new CountingTask { Counts = p };
                    KernelThreadPool.Shared.For(ref task, count, threads);
                }
            }
            for (int i = 0; i < count; i++)
                Assert.True(counts[i] == 20, $"count={count} threads={threads}: index {i} ran {counts[i]} times, expected 20");
        }
    }

    [Fact]
    public void Structs_with_managed_fields_are_seen_by_workers()
    {
        var task = new ManagedTask { Counts = new int[50], Tag = "tag" };
        KernelThreadPool.Shared.For(ref task, 50, threads: 2);
        Assert.All(task.Counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public void Concurrent_callers_each_get_all_their_indices()
    {
        const int Callers = 4, Count = 257, Repeats = 200;
        int[][] counts = Enumerable.Range(0, Callers).Select(_ => new int[Count]).ToArray();
        var threads = Enumerable.Range(0, Callers).Select(c => new Thread(() =>
        {
            fixed (int* p = counts[c])
            {
                for (int r = 0; r < Repeats; r++)
                {
                    var task = new CountingTask { Counts = p };
                    KernelThreadPool.Shared.For(ref task, Count, threads: 2 + c % 2);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        for (int c = 0; c < Callers; c++)
            Assert.All(counts[c], n => Assert.Equal(Repeats, n));
    }

    [Fact]
    public void Nested_calls_run_inline_without_deadlock()
    {
        const int Outer = 9, Inner = 11;
        int[] counts = new int[Outer * Inner];
        fixed (int* p = counts)
        {
            var task = new NestedTask { Counts = p, Inner = Inner };
            KernelThreadPool.Shared.For(ref task, Outer, threads: 2);
        }
        Assert.All(counts, n => Assert.Equal(1, n));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    public void Exceptions_in_tasks_are_rethrown_on_the_caller(int throwAt)
    {
        int ran = 0;
        var task = new ThrowingTask { ThrowAt = throwAt, Ran = &ran };
        var e = Assert.Throws<InvalidOperationException>(() => KernelThreadPool.Shared.For(ref task, 64, threads: 2));
        Assert.Equal($"task {throwAt} failed", e.Message);

        // The pool is still usable afterwards.
        int[] counts = new int[10];
        fixed (int* p = counts)
        {
            var ok = new CountingTask { Counts = p };
            KernelThreadPool.Shared.For(ref ok, 10, threads: 2);
        }
        Assert.All(counts, n => Assert.Equal(1, n));
    }

    [Fact]
    public void Workers_that_went_to_sleep_wake_for_the_next_job()
    {
        // A private pool with more workers than this machine has cores, so jobs that use only some of them leave
        // the others spinning or asleep; pauses longer than the spin window make every worker block in between.
        var pool = new KernelThreadPool(threadLimit: 4);
        int[] threadCounts = [4, 2, 3, 1, 4, 2, 4];
        int[] counts = new int[97];
        fixed (int* p = counts)
        {
            for (int round = 0; round < 4 * threadCounts.Length; round++)
            {
                if (round % 2 == 0)
                    Thread.Sleep(TimeSpan.FromMicroseconds(5 * KernelThreadPool.SpinMicroseconds));
                var task = new CountingTask { Counts = p };
                pool.For(ref task, counts.Length, threadCounts[round % threadCounts.Length]);
            }
        }
        Assert.All(counts, n => Assert.Equal(4 * threadCounts.Length, n));
        Assert.Equal(3, pool.WorkerCount);
    }

    [Fact]
    public void Back_to_back_jobs_with_changing_thread_counts_run_every_index_once()
    {
        var pool = new KernelThreadPool(threadLimit: 4);
        int[] counts = new int[13];
        fixed (int* p = counts)
        {
            for (int round = 0; round < 3000; round++)
            {
                var task = new CountingTask { Counts = p };
                pool.For(ref task, counts.Length, 2 + round % 3);
            }
        }
        Assert.All(counts, n => Assert.Equal(3000, n));
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        var task = new CountingTask();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KernelThreadPool.Shared.For(ref task, -1, 2));
        Assert.Equal("taskCount", e.ParamName);
        Assert.Equal("threadLimit", Assert.Throws<ArgumentOutOfRangeException>(() => new KernelThreadPool(threadLimit: 0)).ParamName);
    }
}
