using System.Diagnostics;
using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// 50 running backends, HTTP health every 1 s: the sidecar's CPU over 30 s, from the nanoseconds each of its threads spent
/// on a CPU (/proc/PID/task/*/schedstat), read every second so that threads that come and go are counted too.
/// </summary>
internal sealed class IdleCost : Scenario
{
    private const int Count = 50;

    public override string Name => "idle";

    public override string Description => $"{Count} backends, health every 1 s: sidecar CPU over the period";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var period = TimeSpan.FromSeconds(context.Iterations(30, 10));
        var work = context.Artifacts.NewWorkDirectory(Name);
        var ports = Backends.FreePorts(Count);
        var backends = new JsonObject();
        for (var i = 0; i < Count; i++) backends[$"b{i}"] = Backends.Http(context, work, $"b{i}", ports[i], intervalMs: 1000);
        using var sidecar = BenchSidecar.Start(context, work, backends);
        sidecar.CallAll("start", Enumerable.Range(0, Count).Select(i => $"b{i}"));

        // Start-up work (JIT tiering of the code the checks run, pools growing) is not idle cost: measured apart.
        var pid = sidecar.Pid;
        var warmUp = TimeSpan.FromSeconds(context.Iterations(15, 3));
        var warmUpStart = Clock.Now();
        var warmUpCpu = ProcFs.ThreadCpuNs(pid).Values.Sum();
        Thread.Sleep(warmUp); // the settling pause itself
        var warmUpPercent = (ProcFs.ThreadCpuNs(pid).Values.Sum() - warmUpCpu) / 1e6 / Clock.Ms(warmUpStart, Clock.Now()) * 100;

        var first = new Dictionary<int, long>();
        var last = new Dictionary<int, long>();
        var perSecond = new List<double>();
        var ticksBefore = ProcFs.CpuTicks(pid);
        var startedAt = Clock.Now();
        Record(ProcFs.ThreadCpuNs(pid), first, last, atStart: true);
        var previousTotal = 0L;
        var previousAt = startedAt;
        // Bounded by the period.
        while (Clock.Ms(startedAt, Clock.Now()) < period.TotalMilliseconds)
        {
            Thread.Sleep(1000); // the sampling interval
            Record(ProcFs.ThreadCpuNs(pid), first, last, atStart: false);
            var total = Total(first, last);
            var now = Clock.Now();
            perSecond.Add((total - previousTotal) / 1e6 / Clock.Ms(previousAt, now) * 100);
            (previousTotal, previousAt) = (total, now);
        }
        var elapsedMs = Clock.Ms(startedAt, previousAt);
        var cpuPercent = previousTotal / 1e6 / elapsedMs * 100;
        var ticksPercent = (ProcFs.CpuTicks(pid) - ticksBefore) * 1000.0 / ClockTicksPerSecond / elapsedMs * 100;

        report.Single($"sidecar CPU over {period.TotalSeconds:0} s (schedstat)", "% of a core", cpuPercent, "< 0.5 %", cpuPercent < 0.5);
        report.Single($"warm-up: the {warmUp.TotalSeconds:0} s after all were running, before the period", "% of a core", warmUpPercent,
            note: "JIT tiering of the health-check code; threads that ended during it are not counted");
        report.Samples("sidecar CPU per 1 s sample", "% of a core", perSecond);
        report.Single("cross-check: utime+stime over the period", "% of a core", ticksPercent,
            note: $"10 ms ticks: too coarse at this level, shown only as a sanity check");
        report.Details["threads by name"] = Memory.ToJson(ProcFs.ThreadGroups(pid));
        report.Details["rssMB"] = Math.Round(ProcFs.RssMiB(pid) * 1.048576, 1);
        report.Details["cpuNsByThread"] = ByThreadName(pid, first, last);
    }

    private static readonly long ClockTicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Keeps, per thread, its first and latest reading; threads born during the period start from zero.</summary>
    private static void Record(Dictionary<int, long> reading, Dictionary<int, long> first, Dictionary<int, long> last, bool atStart)
    {
        foreach (var (tid, ns) in reading)
        {
            if (!first.ContainsKey(tid)) first[tid] = atStart ? ns : 0;
            last[tid] = ns;
        }
    }

    private static long Total(Dictionary<int, long> first, Dictionary<int, long> last) =>
        last.Sum(kv => kv.Value - first[kv.Key]);

    private static JsonObject ByThreadName(int pid, Dictionary<int, long> first, Dictionary<int, long> last)
    {
        var byName = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (tid, ns) in last)
        {
            var name = ProcFs.Comm(pid, tid) ?? "(ended)";
            byName[name] = byName.GetValueOrDefault(name) + ns - first[tid];
        }
        var json = new JsonObject();
        foreach (var (name, ns) in byName.OrderByDescending(kv => kv.Value).Take(15)) json[name] = ns;
        return json;
    }
}
