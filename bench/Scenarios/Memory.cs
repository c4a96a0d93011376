using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// The sidecar's resident memory, threads and open descriptors with 1 and with 50 running HTTP backends, each health
/// checked every second (the usual configuration), measured after a settling pause.
/// </summary>
internal sealed class Memory : Scenario
{
    public override string Name => "memory";

    public override string Description => "sidecar RSS, threads and fds with 1 and 50 running backends (HTTP health every 1 s)";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var runs = context.Iterations(3, 1);
        var settle = TimeSpan.FromSeconds(context.Iterations(5, 2));
        var one = Enumerable.Range(0, runs).Select(_ => Measure(context, 1, settle, report)).ToList();
        var fifty = Enumerable.Range(0, runs).Select(_ => Measure(context, 50, settle, report)).ToList();

        report.Samples("RSS, 1 backend", "MB", [.. one.Select(m => m.RssMb)], "< 25 MB", s => s.Median < 25);
        report.Samples("RSS, 50 backends", "MB", [.. fifty.Select(m => m.RssMb)], "< 50 MB", s => s.Median < 50);
        report.Samples("threads, 1 backend", "threads", [.. one.Select(m => (double)m.Threads)]);
        report.Samples("threads, 50 backends", "threads", [.. fifty.Select(m => (double)m.Threads)]);
        report.Samples("open fds, 1 backend", "fds", [.. one.Select(m => (double)m.Fds)]);
        report.Samples("open fds, 50 backends", "fds", [.. fifty.Select(m => (double)m.Fds)]);
        double Median(IEnumerable<double> values) => Stats.Of([.. values]).Median;
        report.Single("threads per backend ((50 - 1) / 49)", "threads",
            (Median(fifty.Select(m => (double)m.Threads)) - Median(one.Select(m => (double)m.Threads))) / 49);
        report.Single("open fds per backend ((50 - 1) / 49)", "fds",
            (Median(fifty.Select(m => (double)m.Fds)) - Median(one.Select(m => (double)m.Fds))) / 49);
        report.Single("RSS per backend ((50 - 1) / 49)", "MB",
            (Median(fifty.Select(m => m.RssMb)) - Median(one.Select(m => m.RssMb))) / 49);
    }

    private sealed record Sample(double RssMb, int Threads, int Fds);

    private static Sample Measure(BenchContext context, int count, TimeSpan settle, ScenarioReport report)
    {
        var work = context.Artifacts.NewWorkDirectory($"memory{count}");
        var ports = Backends.FreePorts(count);
        var backends = new JsonObject();
        for (var i = 0; i < count; i++) backends[$"b{i}"] = Backends.Http(context, work, $"b{i}", ports[i], intervalMs: 1000);
        using var sidecar = BenchSidecar.Start(context, work, backends);
        sidecar.CallAll("start", Enumerable.Range(0, count).Select(i => $"b{i}"));
        Thread.Sleep(settle); // a settling pause before a reading, not a wait for a state: every backend is running already

        var sample = new Sample(ProcFs.RssMiB(sidecar.Pid) * 1024 * 1024 / 1e6, ProcFs.Threads(sidecar.Pid), ProcFs.OpenFds(sidecar.Pid));
        report.Details[$"threads by name, {count} backends"] = ToJson(ProcFs.ThreadGroups(sidecar.Pid));
        var (anon, file, shmem) = ProcFs.RssBreakdownMb(sidecar.Pid);
        report.Details[$"RSS by kind (MB), {count} backends"] = new JsonObject
        {
            ["anon"] = Math.Round(anon, 1), ["file"] = Math.Round(file, 1), ["shmem"] = Math.Round(shmem, 1),
        };
        report.Details[$"helper processes, {count} backends"] = Helpers(sidecar.Pid);
        return sample;
    }

    /// <summary>The sidecar's children that are not backends (its death guard) and their RSS.</summary>
    private static JsonArray Helpers(int sidecarPid)
    {
        var helpers = new JsonArray();
        foreach (var child in ProcFs.Children(sidecarPid))
        {
            if (ProcFs.Comm(child) is not { } comm || comm == "bench-backend") continue;
            helpers.Add(new JsonObject { ["pid"] = child, ["comm"] = comm, ["rssMB"] = Math.Round(ProcFs.RssMiB(child) * 1.048576, 1) });
        }
        return helpers;
    }

    internal static JsonObject ToJson(SortedDictionary<string, int> groups)
    {
        var json = new JsonObject();
        foreach (var (name, n) in groups) json[name] = n;
        return json;
    }
}
