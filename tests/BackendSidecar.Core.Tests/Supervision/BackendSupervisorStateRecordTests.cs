using System.Threading.Channels;
using BackendSidecar.Core.State;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Core.Tests.Supervision.Fakes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

/// <summary>The launch's state record where the child's start time comes a little after the launch (ps on macOS): written
/// once it is known, outside the launch, and never for an instance a stop has already taken away.</summary>
public sealed class BackendSupervisorStateRecordTests
{
    private sealed class RecordingStore : IStateStore
    {
        private readonly List<BackendStateRecord> _saved = [];
        public Channel<BackendStateRecord> Saves { get; } = Channel.CreateUnbounded<BackendStateRecord>();
        public void Save(BackendStateRecord record)
        {
            lock (_saved) _saved.Add(record);
            Saves.Writer.TryWrite(record);
        }
        public void Remove(string backend) { }
        public IReadOnlyList<BackendStateRecord> LoadAll() { lock (_saved) return [.. _saved]; }
        public Task<BackendStateRecord> NextSaveAsync() => Saves.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Unexpected);
    }

    /// <summary>The first child's start time is known once the returned source completes; later children's at once.</summary>
    private static (SupervisorHarness Harness, RecordingStore Store, TaskCompletionSource StartTime) Create()
    {
        var store = new RecordingStore();
        var startTime = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var h = new SupervisorHarness(o => o with { Health = null }, s => s with { StateStore = store });
        var launches = 0;
        h.Launcher.Configure = child => child.StartTimeRead = Interlocked.Increment(ref launches) == 1 ? startTime : null;
        return (h, store, startTime);
    }

    [Fact]
    public async Task Launch_StartTimeNotKnownYet_RecordIsWrittenOnceItIs_WithIt()
    {
        var (h, store, startTime) = Create();
        await using var _ = h;

        var running = await h.Backend.StartAsync().WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(BackendState.Running, running.State);
        Assert.Empty(store.LoadAll());

        startTime.SetResult();

        var record = await store.NextSaveAsync();
        Assert.Equal((running.Pid!.Value, (ulong)running.Pid.Value * 100), (record.Pid, record.StartTimeTicks));
        Assert.Single(store.LoadAll());
    }

    [Fact]
    public async Task Launch_StoppedBeforeTheStartTimeIsKnown_NoRecordIsWritten()
    {
        var (h, store, startTime) = Create();
        await using var _ = h;
        await h.Backend.StartAsync().WaitAsync(TestTimeouts.Unexpected);
        await h.Backend.StopAsync().WaitAsync(TestTimeouts.Unexpected);

        startTime.SetResult();
        // The next launch's record is written in the launch, after the first's deferred save has had its turn at the gate.
        var second = await h.Backend.StartAsync().WaitAsync(TestTimeouts.Unexpected);

        var record = await store.NextSaveAsync();
        Assert.Equal(second.Pid, record.Pid);
        Assert.Single(store.LoadAll());
    }
}
