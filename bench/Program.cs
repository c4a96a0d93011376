// sidecar-bench: measures what users of backend-sidecar feel, against the real published sidecar and real backends.
// See bench/README.md. Usage: sidecar-bench [--quick] [--r2r] [--no-publish] [--sidecar PATH] [--results DIR] [--list] [scenario...]
using System.Diagnostics;
using BackendSidecar.Bench.Measure;
using BackendSidecar.Bench.Report;
using BackendSidecar.Bench.Scenarios;
using BackendSidecar.Bench.Setup;

Scenario[] all =
[
    new ColdStart(), new CrashDetection(), new CrashDetectionBusyMachine(), new Readiness(), new Restart(), new Stop(ignoreSigterm: false), new Stop(ignoreSigterm: true),
    new RpcRoundTrip(), new RpcRoundTripBdn(), new LogThroughput(), new Memory(), new IdleCost(), new Scale(),
];

var quick = args.Contains("--quick");
// NativeAOT is what ships; --r2r measures the ReadyToRun build it replaced (--aot, the default now, is still accepted).
var r2r = args.Contains("--r2r");
var reuse = args.Contains("--no-publish");
var resultsIndex = Array.IndexOf(args, "--results");
var sidecarIndex = Array.IndexOf(args, "--sidecar");
var named = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal)
    && (resultsIndex < 0 || i != resultsIndex + 1) && (sidecarIndex < 0 || i != sidecarIndex + 1)).ToArray();
if (args.Contains("--list") || args.Contains("--help"))
{
    Console.WriteLine("sidecar-bench [--quick] [--r2r] [--no-publish] [--sidecar PATH] [--results DIR] [scenario...]\n");
    foreach (var s in all) Console.WriteLine($"  {s.Name,-15} {s.Description}");
    Console.WriteLine("\n--quick: fewer iterations, shorter idle period, no BenchmarkDotNet run (unless rpc-bdn is named).");
    Console.WriteLine("--no-publish: reuse the sidecar in artifacts/bench from an earlier run.");
    Console.WriteLine("--sidecar PATH: measure this backend-sidecar instead of publishing one (for trying a change quickly).");
    Console.WriteLine("--r2r: publish and measure a self-contained ReadyToRun build instead of NativeAOT, for comparison (results go to latest-r2r files).");
    return 0;
}

var unknown = named.Where(n => all.All(s => s.Name != n)).ToArray();
if (unknown.Length > 0)
{
    Console.Error.WriteLine($"unknown scenario(s): {string.Join(", ", unknown)}; see --list");
    return 2;
}

Clock.CheckMonotonicNanoseconds();
var selected = named.Length > 0 ? all.Where(s => named.Contains(s.Name)).ToArray()
    : all.Where(s => !(quick && s is RpcRoundTripBdn)).ToArray();

var sidecarOverride = sidecarIndex >= 0 && sidecarIndex + 1 < args.Length ? Path.GetFullPath(args[sidecarIndex + 1]) : null;
var artifacts = BenchArtifacts.Locate(sidecarOverride, aot: !r2r);
artifacts.Prepare(reuse || sidecarOverride is not null);
var context = new BenchContext(artifacts, quick);
var resultsDirectory = resultsIndex >= 0 && resultsIndex + 1 < args.Length
    ? Path.GetFullPath(args[resultsIndex + 1])
    : Path.Combine(artifacts.RepoRoot, "bench", "results");

var reports = new List<ScenarioReport>();
foreach (var scenario in selected)
{
    Console.Error.WriteLine($"== {scenario.Name}: {scenario.Description} (load {ProcFs.LoadAverage()})");
    var report = new ScenarioReport(scenario.Name);
    var watch = Stopwatch.StartNew();
    try
    {
        scenario.Run(context, report);
    }
    catch (Exception e)
    {
        report.Error = $"{e.GetType().Name}: {e.Message}";
        Console.Error.WriteLine($"  FAILED: {e}");
    }
    report.Seconds = watch.Elapsed.TotalSeconds;
    report.LoadAfter = ProcFs.LoadAverage();
    reports.Add(report);
    foreach (var row in report.Rows)
        Console.Error.WriteLine($"  {row.Measure}: median {row.Median:0.###} {row.Unit}" +
            (row.P90 is { } p ? $", p90 {p:0.###}, max {row.Max:0.###}" : "") + (row.Met is { } m ? (m ? " (met)" : " (MISSED)") : ""));
}

ResultWriter.Write(resultsDirectory, reports, quick, artifacts.Build, r2r ? "-r2r" : "");
try { Directory.Delete(artifacts.WorkRoot, recursive: true); }
catch (IOException) { }
Console.WriteLine(ResultWriter.Markdown(reports, quick, artifacts.Build));
Console.Error.WriteLine($"results: {Path.Combine(resultsDirectory, $"latest{(r2r ? "-r2r" : "")}.md")} and .json");
return reports.Any(r => r.Error is not null) ? 1 : 0;
