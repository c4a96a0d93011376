using BackendSidecar.Core.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Processes;

/// <summary>A test-backend (or another program) started through a real launcher, <see cref="PosixProcessLauncher"/>
/// unless another is given, with its output as lines; disposing kills whatever of it is left (group and marked
/// descendants) without relying on the code under test.</summary>
internal sealed class TestBackendRun : IDisposable
{
    private TestBackendRun(UnixChildProcess child, ProcessTracker tracker)
    {
        Child = child;
        Tracker = tracker;
        Stdout = new OutputLines(child.StandardOutput);
        Stderr = new OutputLines(child.StandardError);
    }

    public UnixChildProcess Child { get; }
    public ProcessTracker Tracker { get; }
    public OutputLines Stdout { get; }
    public OutputLines Stderr { get; }

    public static TestBackendRun Start(params string[] args) => Start(args, null);

    /// <summary>The test-backend through <paramref name="launcher"/> (another platform's).</summary>
    public static TestBackendRun Start(IProcessLauncher launcher, params string[] args) =>
        Launch(Request(TestBackendApp.Path, Path.GetTempPath(), args), launcher);

    public static TestBackendRun Start(IReadOnlyList<string> args, Func<LaunchRequest, LaunchRequest>? adjust)
    {
        var request = Request(TestBackendApp.Path, Path.GetTempPath(), [.. args]);
        return Launch(adjust?.Invoke(request) ?? request);
    }

    /// <summary>Launches <paramref name="request"/> and tracks the child and its marked descendants.</summary>
    public static TestBackendRun Launch(LaunchRequest request, IProcessLauncher? launcher = null)
    {
        var child = (UnixChildProcess)(launcher ?? new PosixProcessLauncher()).Launch(request);
        var tracker = new ProcessTracker();
        tracker.Track(child.Pid);
        tracker.TrackEnvironmentEntry($"{PosixProcessLauncher.InstanceMarkerVariable}={child.InstanceMarker}");
        return new TestBackendRun(child, tracker);
    }

    /// <summary>A request for any program, with the base environment.</summary>
    public static LaunchRequest Request(string file, string cwd, params string[] args) => new()
    {
        FileName = file, Args = args, WorkingDirectory = cwd, Environment = TestBackendApp.BaseEnvironment(),
    };

    public void Dispose()
    {
        Tracker.Dispose();
        Child.Dispose();
    }
}
