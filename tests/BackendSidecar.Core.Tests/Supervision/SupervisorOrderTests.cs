using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Core.Tests.Supervision.Fakes;
using BackendSidecar.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

public sealed class SupervisorOrderTests
{
    private static (Supervisor, FakeLauncher) Create(Action<FakeChildProcess>? configure, params BackendOptions[] backends)
    {
        var time = new FakeTimeProvider();
        var launcher = new FakeLauncher(time) { Configure = configure };
        var services = new SupervisorServices
        {
            Launcher = launcher,
            HealthProbes = new FakeHealthProbes { Healthy = true },
            Ports = new FakePorts(),
            Time = time,
            BaseEnvironment = () => new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
        };
        return (new Supervisor(new SidecarConfig { Backends = backends }, services), launcher);
    }

    private const string MissingCommand = "/nonexistent/api-server";

    private static BackendOptions Backend(string name, params string[] dependsOn) => new()
    {
        Name = name,
        Command = "/bin/sh",
        Args = [name],
        Cwd = Path.GetTempPath(),
        DependsOn = dependsOn,
        Restart = new RestartOptions { Policy = RestartPolicyKind.Never },
        Log = new LogOptions { File = Path.Combine(Path.GetTempPath(), "bs-tests-" + Guid.NewGuid().ToString("N"), name + ".log") },
    };

    [Fact]
    public async Task Status_ListsBackendsInTheConfigurationsOrder_NotTheDependencyOrder()
    {
        var (supervisor, _) = Create(null, Backend("ui", "worker"), Backend("worker", "api"), Backend("api"));
        await using var _ = supervisor;

        Assert.Equal(["ui", "worker", "api"], supervisor.Status().Select(s => s.Backend));
        Assert.Equal(["ui", "worker", "api"], supervisor.Backends.Select(b => b.Name));
    }

    [Fact]
    public async Task Start_WhoseDependencyFails_SaysSoInItsStatus()
    {
        var (supervisor, _) = Create(null, Backend("worker", "api"), Backend("api") with { Command = MissingCommand });
        await using var _ = supervisor;
        var changes = new List<StatusChange>();
        supervisor.StatusChanged += c => { lock (changes) changes.Add(c); };

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => supervisor.StartAsync("worker"));

        Assert.Equal("api", ex.Backend);
        var worker = supervisor.Get("worker").Status;
        Assert.Equal(BackendState.Failed, worker.State);
        Assert.Equal(BackendErrorKind.CannotStart, worker.LastError!.Kind);
        Assert.Contains("dependency \"api\"", worker.LastError.Message);
        lock (changes) Assert.Contains(changes, c => c.Status.Backend == "worker" && c.Reason.Contains("dependency \"api\""));
    }

    [Fact]
    public async Task AutoStart_WhoseDependencyFails_SaysSoInItsStatus()
    {
        var (supervisor, _) = Create(null,
            Backend("worker", "api") with { AutoStart = true }, Backend("api") with { AutoStart = true, Command = MissingCommand });
        await using var _ = supervisor;

        var failures = await supervisor.StartAutoStartAsync();

        Assert.Contains(failures, f => f.Backend == "api");
        var worker = supervisor.Get("worker").Status;
        Assert.Equal(BackendState.Failed, worker.State);
        Assert.Contains("dependency \"api\"", worker.LastError!.Message);
    }
}
