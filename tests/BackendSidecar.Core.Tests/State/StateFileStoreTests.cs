using System.Text.Json;
using BackendSidecar.Core.State;

namespace BackendSidecar.Core.Tests.State;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StateFileStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "state-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static BackendStateRecord Record(string backend, int pid = 4242) =>
        new(backend, pid, 123456789UL, 777, 987654321UL, 8080, new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), "777.1.3");

    [Fact]
    public void SaveThenLoadAll_Records_RoundTrip()
    {
        var store = new StateFileStore(_directory);
        var api = Record("api");
        var worker = Record("model worker/ü", pid: 5) with { Port = null, InstanceMarker = null };

        store.Save(api);
        store.Save(worker);

        Assert.Equal([api, worker], new StateFileStore(_directory).LoadAll().OrderBy(r => r.Pid).Reverse());
    }

    [Fact]
    public void Save_SameBackendAgain_ReplacesTheRecordAndLeavesNoTemporaryFile()
    {
        var store = new StateFileStore(_directory);
        store.Save(Record("api", pid: 1));

        store.Save(Record("api", pid: 2));

        Assert.Equal(2, Assert.Single(store.LoadAll()).Pid);
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Save_WhileAnotherThreadReads_ReaderNeverSeesAPartialRecord()
    {
        var store = new StateFileStore(_directory);
        store.Save(Record("api", pid: 0));
        using var done = new CancellationTokenSource();

        var writer = Task.Run(() =>
        {
            for (var i = 1; i <= 300; i++) store.Save(Record("api", pid: i));
            done.Cancel();
        });
        var reads = 0;
        while (!done.IsCancellationRequested && reads < 100_000)
        {
            var path = Path.Combine(_directory, "api.json");
            var record = JsonSerializer.Deserialize<JsonElement>(File.ReadAllBytes(path)); // throws on a torn file
            Assert.Equal("api", record.GetProperty("backend").GetString());
            reads++;
        }
        await writer;

        Assert.Equal(300, Assert.Single(store.LoadAll()).Pid);
    }

    [Fact]
    public void Remove_SavedBackend_IsGoneAndRemovingAgainIsHarmless()
    {
        var store = new StateFileStore(_directory);
        store.Save(Record("api"));

        store.Remove("api");
        store.Remove("api");

        Assert.Empty(store.LoadAll());
    }

    [Fact]
    public void LoadAll_DamagedFile_IsSkipped()
    {
        var store = new StateFileStore(_directory);
        store.Save(Record("api"));
        File.WriteAllText(Path.Combine(_directory, "broken.json"), "{\"backend\": \"broken\", \"pid\": ");

        Assert.Equal("api", Assert.Single(store.LoadAll()).Backend);
    }

    [Fact]
    public void Save_File_HoldsOnlyIdentityFieldsAndIsPrivate()
    {
        var store = new StateFileStore(_directory);

        store.Save(Record("api"));

        var path = Path.Combine(_directory, "api.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(
            ["backend", "instanceMarker", "pid", "port", "sidecarPid", "sidecarStartTimeTicks", "startTimeTicks", "startedAt"],
            json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
    }

    [Fact]
    public void AdoptRecordsFrom_OlderFolder_RecordsMoveHereAndCanBeRemoved()
    {
        var older = _directory + "-older";
        try
        {
            var old = new StateFileStore(older);
            old.Save(Record("api", pid: 1));
            // An older version hashed unsafe names differently; the record is found by its content, not its file name.
            File.WriteAllText(Path.Combine(older, "backend-0123456789abcdef.json"),
                JsonSerializer.Serialize(Record("model worker", pid: 2), Core.State.StateJsonContext.Default.BackendStateRecord));
            var store = new StateFileStore(_directory);
            store.Save(Record("api", pid: 3));

            store.AdoptRecordsFrom(older);

            Assert.Equal([2, 3], store.LoadAll().Select(r => r.Pid).Order());
            store.Remove("model worker");
            Assert.Equal(3, Assert.Single(store.LoadAll()).Pid);
        }
        finally
        {
            Directory.Delete(older, recursive: true);
        }
    }
}
