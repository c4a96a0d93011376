using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;

namespace BackendSidecar.Bench.Scenarios;

/// <summary>
/// A backend writes 200,000 lines of 100 bytes, one write(2) each, as fast as it can: its own write time under the sidecar
/// vs. under a bare fast pipe reader (same 1 MiB pipe, 64 KiB reads into nothing). Every line is then checked in the log
/// file: present once, in order, intact.
/// </summary>
internal sealed class LogThroughput : Scenario
{
    private const int Lines = 200_000;
    private const int LineBytes = 100;

    public override string Name => "log-throughput";

    public override string Description => $"backend writes {Lines:N0} lines of {LineBytes} bytes: its write time vs. a bare fast pipe reader";

    public override void Run(BenchContext context, ScenarioReport report)
    {
        var iterations = context.Iterations(7, 2);
        var bare = new List<Writes>();
        var sidecar = new List<Writes>();
        var subscribed = new List<Writes>();
        var lag = new List<double>();
        var verified = 0;
        var runs = 0;
        // Interleaved, so a change in the machine's load hits both sides alike.
        for (var i = -1; i < iterations; i++)
        {
            var b = BareRun(context);
            var (s, drained, ok) = SidecarRun(context, subscribe: false);
            var (sub, _, okSubscribed) = SidecarRun(context, subscribe: true);
            if (i < 0) continue;
            bare.Add(b);
            sidecar.Add(s);
            subscribed.Add(sub);
            lag.Add(drained);
            runs += 2;
            verified += (ok ? 1 : 0) + (okSubscribed ? 1 : 0);
        }

        var bareRow = report.Samples("backend write time, bare fast pipe reader", "ms", [.. bare.Select(w => w.Ms)]);
        var sidecarRow = report.Samples("backend write time, under the sidecar", "ms", [.. sidecar.Select(w => w.Ms)]);
        var ratio = sidecarRow.Median / bareRow.Median;
        report.Single("write time ratio, sidecar / bare (medians)", "x", ratio, "<= 1.2x", ratio <= 1.2);
        var subscribedRow = report.Samples("backend write time, sidecar with a client subscribed to log", "ms", [.. subscribed.Select(w => w.Ms)]);
        report.Single("write time ratio, subscribed / bare (medians)", "x", subscribedRow.Median / bareRow.Median);
        // Where the extra time goes: waiting for the reader (blocked on a full pipe) or for a CPU (preempted).
        report.Samples("backend CPU time, bare / under the sidecar", "ms", [.. bare.Select(w => w.CpuMs)],
            note: $"under the sidecar: median {Stats.Of([.. sidecar.Select(w => w.CpuMs)]).Median:0.0} ms");
        report.Samples("backend blocked on a full pipe, under the sidecar", "times", [.. sidecar.Select(w => (double)w.Blocked)],
            note: $"bare reader: median {Stats.Of([.. bare.Select(w => (double)w.Blocked)]).Median:0}");
        report.Samples("backend preempted, under the sidecar", "times", [.. sidecar.Select(w => (double)w.Preempted)],
            note: $"bare reader: median {Stats.Of([.. bare.Select(w => (double)w.Preempted)]).Median:0}");
        report.Samples("backend's last write -> stopped received", "ms", lag,
            note: "reading, splitting and writing the file to the end, then the exit");
        report.Single("runs with every line in the log file", "runs", verified, $"all {runs}", verified == runs);
    }

    private static Writes BareRun(BenchContext context)
    {
        var backend = context.Artifacts.Backend;
        var info = new ProcessStartInfo(backend) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "read-bare", "--", backend, "flood", "--lines", Lines.ToString(CultureInfo.InvariantCulture),
                     "--bytes", LineBytes.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var lines = process.StandardError.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        var read = lines.Single(l => l.StartsWith("read ", StringComparison.Ordinal)).Split(' ');
        if (long.Parse(read[2], CultureInfo.InvariantCulture) != Lines)
            throw new InvalidOperationException("the bare reader did not get every line: " + string.Join(" | ", lines));
        return WriteTime(lines.Single(l => l.StartsWith("wrote ", StringComparison.Ordinal)));
    }

    /// <returns>The backend's writes, the time from its last write to stopped received, and whether the file is complete.</returns>
    private static (Writes Writes, double DrainMs, bool Complete) SidecarRun(BenchContext context, bool subscribe)
    {
        var work = context.Artifacts.NewWorkDirectory("log");
        var config = Backends.Config(context, work, "flood", "flood", "--lines", Lines.ToString(CultureInfo.InvariantCulture),
            "--bytes", LineBytes.ToString(CultureInfo.InvariantCulture));
        // One file for the whole run: rotation is tested elsewhere; here every line must be found in one place.
        config["log"]!["maxBytes"] = 1L << 30;
        using var sidecar = BenchSidecar.Start(context, work, new JsonObject { ["flood"] = config });
        if (subscribe) sidecar.SubscribeLogs();
        var cursor = sidecar.Client.NotificationCount;
        sidecar.Start("flood");
        var (stopped, _) = sidecar.WaitForState(cursor, "flood", "stopped");
        if (subscribe) sidecar.Client.ClearNotifications();

        var file = Path.Combine(work, "flood.log");
        var (complete, wrote) = Verify(file);
        var writes = WriteTime(wrote ?? throw new InvalidOperationException($"no \"wrote\" line in {file}"));
        if (!complete) BenchContext.Progress($"log file {file} is missing lines");
        return (writes, Clock.Ms(writes.EndedAt, stopped.Timestamp), complete);
    }

    /// <summary>The backend's own account of its writes (see bench-backend.c, flood).</summary>
    private readonly record struct Writes(double Ms, long EndedAt, double CpuMs, long Blocked, long Preempted);

    private static Writes WriteTime(string wrote)
    {
        var parts = wrote.Split(' ');
        long At(int i) => long.Parse(parts[i], CultureInfo.InvariantCulture);
        return new Writes(At(1) / 1e6, At(3), At(4) / 1e6, At(5), At(6));
    }

    /// <summary>Every stdout line "line NNNNNN xxx..." once, in order, 99 characters; returns the stderr "wrote" line too.</summary>
    private static (bool Complete, string? Wrote) Verify(string file)
    {
        var expected = 0;
        string? wrote = null;
        var intact = true;
        foreach (var line in File.ReadLines(file))
        {
            // "<ISO time> <stream> <text>"
            var first = line.IndexOf(' ');
            var second = line.IndexOf(' ', first + 1);
            if (first < 0 || second < 0) continue;
            var stream = line.AsSpan(first + 1, second - first - 1);
            var text = line.AsSpan(second + 1);
            if (stream.SequenceEqual("stderr") && text.StartsWith("wrote ")) wrote = text.ToString();
            if (!stream.SequenceEqual("stdout")) continue;
            intact &= text.Length == LineBytes - 1
                && text.StartsWith("line ")
                && int.TryParse(text.Slice(5, 6), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && n == expected;
            expected++;
        }
        return (intact && expected == Lines, wrote);
    }
}
