using BackendSidecar.Core.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Processes;

/// <summary>A test-backend started through <see cref="PosixProcessLauncher"/>, with its output as lines; disposing kills
/// whatever of it is left (group and marked descendants) without relying on the code under test.</summary>
internal sealed class TestBackendRun : IDisposable
{
    private TestBackendRun(ChildProcess child, ProcessTracker tracker)
    {
        Child = child;
        Tracker = tracker;
        Stdout = new OutputLines(child.StandardOutput);
        Stderr = new OutputLines(child.StandardError);
    }

    public ChildProcess Child { get; }
    public ProcessTracker Tracker { get; }
    public OutputLines Stdout { get; }
    public OutputLines Stderr { get; }

    public static TestBackendRun Start(params string[] args) => Start(args, null);

    public static TestBackendRun Start(IReadOnlyList<string> args, Func<LaunchRequest, LaunchRequest>? adjust)
    {
        var request = new LaunchRequest
        {
            FileName = TestBackendApp.Path,
            Args = args,
            WorkingDirectory = Path.GetTempPath(),
            Environment = TestBackendApp.BaseEnvironment(),
        };
        var child = new PosixProcessLauncher().Launch(adjust?.Invoke(request) ?? request);
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
