using System.Collections.Concurrent;

namespace BackendSidecar.Core.Processes;

/// <summary>
/// The one long-lived thread every backend is spawned from. The Linux parent-death signal (PR_SET_PDEATHSIG, which
/// setpriv sets) fires when the thread that forked the child exits, not when the process does: spawning from a
/// thread-pool thread would kill a backend as soon as the pool retires that thread.
/// </summary>
/// <remarks>Thread-safe; callers block until their spawn has run.</remarks>
internal sealed class SpawnerThread
{
    private readonly BlockingCollection<Action> _queue = [];

    public static SpawnerThread Shared { get; } = new();

    private SpawnerThread() =>
        new Thread(Run, maxStackSize: 256 * 1024) { IsBackground = true, Name = "backend-spawner" }.Start();

    /// <summary>Runs <paramref name="work"/> on the spawner thread and returns its result (or rethrows its exception).</summary>
    public T Invoke<T>(Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try { result.SetResult(work()); }
            catch (Exception e) { result.SetException(e); }
        });
        return result.Task.GetAwaiter().GetResult();
    }

    private void Run()
    {
        foreach (var work in _queue.GetConsumingEnumerable()) work();
    }
}
