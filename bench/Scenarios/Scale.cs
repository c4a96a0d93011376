using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// 200 backends (no health check) started together: time until the client has seen every one running; then all stopped,
/// and the sidecar's descriptors and threads compared with before they were started, over several rounds.
/// </summary>
internal sealed class Scale : Scenario
{
    private const int Count = 200;

    public override string Name => "scale";

    public override string Description => $"{Count} backends started together (no health): time to all running; no fd or thread leak after stopping";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var work = context.Artifacts.NewWorkDirectory(Name);
        var names = Enumerable.Range(0, Count).Select(i => $"b{i}").ToArray();
        var backends = new JsonObject();
        foreach (var name in names) backends[name] = Backends.Config(context, work, name, "sleep");
        using var sidecar = BenchSidecar.Start(context, work, backends);
        var pid = sidecar.Pid;
        var settle = TimeSpan.FromSeconds(2);
        Thread.Sleep(settle); // settling pause before the baseline reading
        var baseFds = ProcFs.OpenFds(pid);
        var baseGroups = ProcFs.ThreadGroups(pid);
        var baseThreads = baseGroups.Values.Sum();
        report.Details["before: threads by name"] = Memory.ToJson(baseGroups);

        var toRunning = new List<double>();
        var fdsAfter = new List<double>();
        var threadsAfter = new List<double>();
        var runningAll = new List<double>();
        var rounds = context.Iterations(3, 1);
        for (var round = 0; round < rounds; round++)
        {
            var cursor = sidecar.Client.NotificationCount;
            var startedAt = Clock.Now();
            sidecar.CallAll("start", names);
            var seen = new HashSet<string>();
            var (last, _) = sidecar.Client.WaitForNotification(cursor, n => n.IsState("running") && seen.Add(n.Backend!) && seen.Count == Count,
                BenchContext.Timeout, $"all {Count} running");
            toRunning.Add(Clock.Ms(startedAt, last.Timestamp));
            runningAll.Add(ProcFs.Threads(pid));
            report.Details[$"round {round + 1}: threads by name while running"] = Memory.ToJson(ProcFs.ThreadGroups(pid));

            sidecar.CallAll("stop", names);
            Thread.Sleep(settle); // settling pause: threads that end with their backend are gone by now
            fdsAfter.Add(ProcFs.OpenFds(pid) - baseFds);
            var groups = ProcFs.ThreadGroups(pid);
            threadsAfter.Add(groups.Values.Sum() - baseThreads);
            report.Details[$"round {round + 1}: threads by name after stopping"] = Memory.ToJson(groups);
            sidecar.Client.ClearNotifications();
        }

        report.Samples($"start of {Count} -> all running received", "ms", toRunning, "all running, time reported", _ => true);
        report.Samples("threads while all running", "threads", runningAll);
        var fdLeak = fdsAfter.Max();
        report.Single("open fds after stopping, minus before starting (worst round)", "fds", fdLeak, "0", fdLeak <= 0);
        var threadLeak = threadsAfter.Max();
        report.Single("threads after stopping, minus before starting (worst round)", "threads", threadLeak, "no growth",
            threadLeak <= 0 || IsPoolOnly(report, rounds),
            note: "thread-pool workers the start burst added retire on their own; see the JSON for threads by name");
        report.Details["baseline"] = new JsonObject { ["fds"] = baseFds, ["threads"] = baseThreads };
    }

    /// <summary>True when any extra threads after stopping are .NET thread-pool workers only.</summary>
    private static bool IsPoolOnly(ScenarioReport report, int rounds)
    {
        var before = (JsonObject)report.Details["before: threads by name"]!;
        for (var round = 1; round <= rounds; round++)
        {
            var after = (JsonObject)report.Details[$"round {round}: threads by name after stopping"]!;
            foreach (var (name, value) in after)
            {
                var extra = value!.GetValue<int>() - (before[name]?.GetValue<int>() ?? 0);
                if (extra > 0 && !name.StartsWith(".NET TP Worker", StringComparison.Ordinal)) return false;
            }
        }
        return true;
    }
}
