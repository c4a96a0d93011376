using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Supervision;
using BackendSidecar.Core.Tests.Supervision.Fakes;
using BackendSidecar.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BackendSidecar.Core.Tests.Supervision;

public sealed class SupervisorTests
{
    private static (Supervisor, FakeLauncher) Create(params BackendOptions[] backends)
    {
        var time = new FakeTimeProvider();
        var launcher = new FakeLauncher(time);
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

    private static BackendOptions Backend(string name, params string[] dependsOn) => new()
    {
        Name = name,
        Command = "/bin/sh",
        Args = [name],
        Cwd = Path.GetTempPath(),
        DependsOn = dependsOn,
        AutoStart = true,
        Log = new LogOptions { File = Path.Combine(Path.GetTempPath(), "bs-tests-" + Guid.NewGuid().ToString("N"), name + ".log") },
    };

    [Fact]
    public async Task Start_WithDependsOn_StartsTheDependencyFirst()
    {
        var (supervisor, launcher) = Create(Backend("worker", "api"), Backend("api"));
        await using var _ = supervisor;

        await supervisor.StartAsync("worker");

        Assert.Equal(["api", "worker"], launcher.All.Select(c => c.Request.Args[0]));
        Assert.All(supervisor.Status(), s => Assert.Equal(BackendState.Running, s.State));
        Assert.Equal(["worker", "api"], supervisor.Backends.Select(b => b.Name));
    }

    [Fact]
    public async Task StopAll_StopsDependentsBeforeTheirDependencies()
    {
        var (supervisor, launcher) = Create(Backend("api"), Backend("worker", "api"), Backend("ui", "worker"));
        await using var _ = supervisor;
        await supervisor.StartAutoStartAsync();
        var order = new List<string>();
        supervisor.StatusChanged += c => { if (c.Status.State == BackendState.Stopped) lock (order) order.Add(c.Status.Backend); };

        await supervisor.StopAllAsync();

        Assert.Equal(["ui", "worker", "api"], order);
    }

    [Fact]
    public void Get_UnknownName_ListsTheKnownBackends()
    {
        var (supervisor, _) = Create(Backend("api"), Backend("worker"));

        var ex = Assert.Throws<SupervisorException>(() => supervisor.Get("apj"));

        Assert.Equal(BackendErrorKind.UnknownBackend, ex.Kind);
        Assert.Equal(["api", "worker"], ex.Known);
    }

    [Fact]
    public void Get_NoNameWithSeveralBackends_AsksForOne()
    {
        var (supervisor, _) = Create(Backend("api"), Backend("worker"));

        var ex = Assert.Throws<SupervisorException>(() => supervisor.Get(null));

        Assert.Equal(BackendErrorKind.BackendNotSpecified, ex.Kind);
    }

    [Fact]
    public void Get_NoNameWithOneBackend_ReturnsIt()
    {
        var (supervisor, _) = Create(Backend("api"));

        Assert.Equal("api", supervisor.Get(null).Name);
    }

    [Fact]
    public async Task Start_AfterShutdown_IsRefused()
    {
        var (supervisor, _) = Create(Backend("api"));
        await supervisor.ShutdownAsync();

        var ex = await Assert.ThrowsAsync<SupervisorException>(() => supervisor.StartAsync("api"));

        Assert.Equal(BackendErrorKind.ShuttingDown, ex.Kind);
    }
}
