using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// 200 backends (no health check) started together: time until the client has seen every one running; then all stopped.
/// Several rounds in one sidecar: descriptors and threads after each round are compared with those after the first, so
/// what a first start creates for good (a log file kept open per backend, runtime threads made on first need) is told
/// apart from a leak, which grows with every round.
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
        Thread.Sleep(settle); // settling pause before the first reading
        var initial = new Snapshot(ProcFs.OpenFds(pid), ProcFs.ThreadGroups(pid));
        report.Details["before any start"] = initial.ToJson();

        var toRunning = new List<double>();
        var whileRunning = new List<double>();
        var afterRounds = new List<Snapshot>();
        var rounds = context.Iterations(4, 2);
        for (var round = 0; round < rounds; round++)
        {
            var cursor = sidecar.Client.NotificationCount;
            var startedAt = Clock.Now();
            sidecar.CallAll("start", names);
            var seen = new HashSet<string>();
            var (last, _) = sidecar.Client.WaitForNotification(cursor, n => n.IsState("running") && seen.Add(n.Backend!) && seen.Count == Count,
                BenchContext.Timeout, $"all {Count} running");
            toRunning.Add(Clock.Ms(startedAt, last.Timestamp));
            whileRunning.Add(ProcFs.Threads(pid));
            if (round == 0) report.Details["threads by name while all running"] = Memory.ToJson(ProcFs.ThreadGroups(pid));

            sidecar.CallAll("stop", names);
            Thread.Sleep(settle); // settling pause: threads that end with their backend are gone by now
            var after = new Snapshot(ProcFs.OpenFds(pid), ProcFs.ThreadGroups(pid));
            afterRounds.Add(after);
            report.Details[$"after round {round + 1}"] = after.ToJson();
            sidecar.Client.ClearNotifications();
        }

        report.Samples($"start of {Count} -> all running received", "ms", toRunning, "all running, time reported", _ => true);
        report.Samples("threads while all running", "threads", whileRunning);
        report.Single("threads added per running backend", "threads", (Stats.Of(whileRunning).Median - afterRounds[0].Threads) / Count,
            note: "its two pipe readers; each configured backend also has one log writer thread, running or not");
        report.Single("fds kept per stopped backend (after the first round)", "fds", (afterRounds[0].Fds - initial.Fds) / (double)Count,
            note: "the backend's log file stays open while it is configured");

        var first = afterRounds[0];
        var fdGrowth = afterRounds.Skip(1).Max(a => a.Fds - first.Fds);
        report.Single("fd growth after rounds 2.., vs. after round 1", "fds", fdGrowth, "0", fdGrowth <= 0);
        var threadGrowth = afterRounds.Skip(1).Max(a => a.ThreadsExceptPool - first.ThreadsExceptPool);
        report.Single("thread growth after rounds 2.. (thread-pool workers aside)", "threads", threadGrowth, "0", threadGrowth <= 0,
            note: "pool workers come and go with load; see the JSON for every thread by name");
        report.Single("log reader threads left after stopping (worst round)", "threads",
            afterRounds.Max(a => a.Groups.GetValueOrDefault("log reader")), "0", afterRounds.All(a => a.Groups.GetValueOrDefault("log reader") == 0));
    }

    private sealed record Snapshot(int Fds, SortedDictionary<string, int> Groups)
    {
        public int Threads => Groups.Values.Sum();

        public int ThreadsExceptPool => Groups.Where(g => !g.Key.StartsWith(".NET TP", StringComparison.Ordinal)).Sum(g => g.Value);

        public JsonObject ToJson() => new() { ["fds"] = Fds, ["threads"] = Threads, ["threadsByName"] = Memory.ToJson(Groups) };
    }
}
