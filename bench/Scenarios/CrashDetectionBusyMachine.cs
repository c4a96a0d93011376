using System.Diagnostics;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// SIGKILL of a running backend -> its statusChanged, with 600 unrelated processes on the machine (each with a 2 KB
/// environment), as on a developer's desktop: the clean-up after a crash scans every process for escaped descendants,
/// and that scan must not delay the notification.
/// </summary>
internal sealed class CrashDetectionBusyMachine : Scenario
{
    private const int Bystanders = 600;

    public override string Name => "crash-busy";

    public override string Description => $"SIGKILL of the backend -> statusChanged, {Bystanders} unrelated processes on the machine";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var work = context.Artifacts.NewWorkDirectory(Name);
        var bystanders = StartBystanders(Bystanders);
        try
        {
            var samples = CrashDetection.MeasureKillToStatusChanged(context, work);

            report.Samples($"SIGKILL -> statusChanged received, {Bystanders} other processes", "ms", samples, "median < 2 ms", s => s.Median < 2);
        }
        finally
        {
            StopBystanders(bystanders);
        }
    }

    /// <summary>Idle processes of this user, each with a 2 KB variable so reading its environment costs what a desktop's does.</summary>
    private static List<Process> StartBystanders(int count)
    {
        BenchContext.Progress($"starting {count} bystander processes");
        var padding = new string('x', 2048);
        var started = new List<Process>(count);
        for (var i = 0; i < count; i++)
        {
            var info = new ProcessStartInfo("sleep", "600") { UseShellExecute = false };
            info.Environment["BENCH_BYSTANDER_PADDING"] = padding;
            started.Add(Process.Start(info) ?? throw new InvalidOperationException("could not start sleep"));
        }
        return started;
    }

    private static void StopBystanders(List<Process> bystanders)
    {
        // Only the processes this scenario started, by their own handle.
        foreach (var process in bystanders)
        {
            try
            {
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
    }
}
