using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace MlNetGraviton.Kernels.Threading;

/// <summary>
/// Persistent worker threads for kernel drivers. <see cref="For{T}(ref T, int, int)"/> hands out task indices
/// through an atomic counter to the caller thread plus up to threads − 1 workers; it allocates nothing once the
/// workers exist. Calls from different threads are serialized; a call made from inside a running task runs inline.
/// </summary>
/// <remarks>
/// A worker that finishes spins for <see cref="SpinMicroseconds"/> watching for the next job before it blocks: a
/// transformer runs GEMMs back to back, and waking a blocked thread costs tens of microseconds (more in a VM),
/// which is several percent of a millisecond-sized GEMM. ORT's pool spins the same way.
/// </remarks>
public sealed unsafe class KernelThreadPool
{
    /// <summary>The process-wide pool the kernels use.</summary>
    public static KernelThreadPool Shared { get; } = new();

    [ThreadStatic]
    private static bool t_insideFor;

    private readonly object _gate = new();
    private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
    private Worker[] _workers = [];

    // The job in flight; written under _gate before the workers are released (SemaphoreSlim.Release is a full fence).
    private void* _task;
    private delegate*<void*, int, void> _runTask;
    private int _taskCount;
    private int _nextTask;

    // Who is working on the published job: (sequence & 0xFFFF) << 16 | Closed | workers inside. A worker joins only
    // while its job is open; the caller closes it when it runs out of indices and waits only for workers already in,
    // so a worker that was descheduled (or still asleep) never holds the caller up once all indices are taken.
    private int _joinState;
    private const int Closed = 1 << 15;
    private const int InsideMask = Closed - 1;
    private ExceptionDispatchInfo? _error;

    // The published job: sequence number << JobShift | number of workers taking part. One 64-bit word, so a worker
    // never pairs one job's sequence with another job's worker count.
    private long _job;
    private const int JobShift = 20;
    private const long JobWorkersMask = (1L << JobShift) - 1;

    /// <summary>How long an idle worker watches for the next job before it blocks.</summary>
    public const int SpinMicroseconds = 100;

    private readonly int _threadLimit;

    /// <summary>A pool whose calls use at most <see cref="MaxThreads"/> threads.</summary>
    public KernelThreadPool()
        : this(MaxThreads)
    {
    }

    /// <summary>A pool capped at <paramref name="threadLimit"/> threads (tests use more workers than cores).</summary>
    internal KernelThreadPool(int threadLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadLimit, 1);
        _threadLimit = threadLimit;
    }

    /// <summary>The most threads a call can use: the logical processor count.</summary>
    public static int MaxThreads => Environment.ProcessorCount;

    /// <summary>Worker threads started so far (they are created lazily, on the first call that needs them).</summary>
    public int WorkerCount => Volatile.Read(ref _workers).Length;

    /// <summary>
    /// Runs <c>task.Run(i)</c> once for every i in [0, <paramref name="taskCount"/>) on up to <paramref name="threads"/>
    /// threads (the caller included) and returns when all are done. The first exception a task throws is rethrown here,
    /// after the other threads have stopped; the remaining indices are then skipped.
    /// </summary>
    public void For<T>(ref T task, int taskCount, int threads)
        where T : struct, ITileTask
    {
        ArgumentOutOfRangeException.ThrowIfNegative(taskCount);
        int useThreads = Math.Min(Math.Min(threads, taskCount), _threadLimit);
        if (useThreads <= 1 || t_insideFor)
        {
            for (int i = 0; i < taskCount; i++)
                task.Run(i);
            return;
        }

        lock (_gate)
        {
            EnsureWorkers(useThreads - 1);
            // Pinning the task keeps its address valid for the workers, wherever the caller keeps it (stack or heap).
            fixed (byte* pinned = &Unsafe.As<T, byte>(ref task))
            {
                _task = pinned;
                _runTask = &RunTask<T>;
                _taskCount = taskCount;
                _nextTask = 0;
                _error = null;
                int helpers = useThreads - 1;
                long sequence = (_job >> JobShift) + 1;
                _done.Reset();
                Volatile.Write(ref _joinState, (int)(sequence & 0xFFFF) << 16);
                // Exchange is a full fence: the job's fields above are visible before the new job word.
                Interlocked.Exchange(ref _job, sequence << JobShift | (long)helpers);
                for (int w = 0; w < helpers; w++)
                {
                    Worker worker = _workers[w];
                    if (Interlocked.Exchange(ref worker.Sleeping, 0) == 1)
                        worker.Start.Release();
                }

                t_insideFor = true;
                try
                {
                    Drain();
                }
                finally
                {
                    t_insideFor = false;
                }
                if ((Interlocked.Or(ref _joinState, Closed) & InsideMask) != 0)
                    _done.Wait(); // the last worker inside sets it
                _task = null;
            }
            ExceptionDispatchInfo? error = _error;
            _error = null;
            error?.Throw();
        }
    }

    private static void RunTask<T>(void* task, int index)
        where T : struct, ITileTask => Unsafe.AsRef<T>(task).Run(index);

    private void Drain()
    {
        try
        {
            int count = _taskCount;
            delegate*<void*, int, void> run = _runTask;
            void* task = _task;
            int i;
            while ((i = Interlocked.Increment(ref _nextTask) - 1) < count)
                run(task, i);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            Volatile.Write(ref _nextTask, int.MaxValue / 2); // stop handing out indices
        }
    }

    private void EnsureWorkers(int count)
    {
        if (_workers.Length >= count)
            return;
        var grown = new Worker[count];
        Array.Copy(_workers, grown, _workers.Length);
        for (int w = _workers.Length; w < count; w++)
            grown[w] = new Worker(this, w, Volatile.Read(ref _job));
        Volatile.Write(ref _workers, grown);
    }

    private void WorkerLoop(Worker self, long seen)
    {
        t_insideFor = true; // a task that calls For from a worker runs its inner loop inline
        while (true)
        {
            long job = WaitForJob(self, seen);
            seen = job;
            if (self.Index >= (int)(job & JobWorkersMask) || !TryJoin(job >> JobShift))
                continue; // a job for fewer workers, or one the caller already finished
            Drain();
            if ((Interlocked.Decrement(ref _joinState) & (Closed | InsideMask)) == Closed)
                _done.Set();
        }
    }

    private bool TryJoin(long sequence)
    {
        int tag = (int)(sequence & 0xFFFF) << 16;
        while (true)
        {
            int state = Volatile.Read(ref _joinState);
            if ((state & ~(Closed | InsideMask)) != tag || (state & Closed) != 0)
                return false;
            if (Interlocked.CompareExchange(ref _joinState, state + 1, state) == state)
                return true;
        }
    }

    /// <summary>Spins until the job word moves past <paramref name="seen"/>, then blocks on the worker's semaphore.</summary>
    private long WaitForJob(Worker self, long seen)
    {
        long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
        long job;
        do
        {
            for (int i = 0; i < 64; i++)
            {
                if ((job = Volatile.Read(ref _job)) != seen)
                    return job;
                Thread.SpinWait(8);
            }
        }
        while (Stopwatch.GetTimestamp() < deadline);

        // Announce the sleep (a full fence), then look once more: the caller wakes only workers it sees asleep.
        Interlocked.Exchange(ref self.Sleeping, 1);
        if ((job = Volatile.Read(ref _job)) != seen && Interlocked.Exchange(ref self.Sleeping, 0) == 1)
            return job; // took the job back before the caller saw us asleep: nothing to consume
        self.Start.Wait(); // the caller cleared Sleeping and released (or will release) the semaphore for a job
        return Volatile.Read(ref _job);
    }

    private sealed class Worker
    {
        public int Sleeping;

        public Worker(KernelThreadPool pool, int index, long seenJob)
        {
            Index = index;
            var thread = new Thread(() => pool.WorkerLoop(this, seenJob))
            {
                IsBackground = true,
                Name = $"MlNetGraviton kernel worker {index + 1}",
            };
            thread.Start();
        }

        public int Index { get; }

        public SemaphoreSlim Start { get; } = new(0);
    }
}
