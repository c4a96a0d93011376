using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackendSidecar.Bench.Report;

/// <summary>Writes the results as a Markdown table and as JSON (every sample included).</summary>
internal static class ResultWriter
{
    public static string Markdown(IReadOnlyList<ScenarioReport> reports, bool quick, string build)
    {
        var md = new StringBuilder();
        var loads = string.Join(", ", reports.Select(r => $"{r.Scenario} {r.LoadBefore.Split(' ')[0]}"));
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $"{RuntimeInformation.OSDescription}, sidecar: {build}, {(quick ? "quick mode" : "full mode")}. " +
            $"Load average (1 min) before each scenario: {loads}."));
        md.AppendLine();
        md.AppendLine("| scenario | measure | median | p90 | max | n | target | met |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---|---|");
        foreach (var report in reports)
        {
            if (report.Error is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {report.Scenario} | failed: {report.Error.Split('\n')[0].Replace("|", "/", StringComparison.Ordinal)} | | | | | | no |");
                continue;
            }
            foreach (var row in report.Rows)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {row.Scenario} | {row.Measure} | {Format(row.Median, row.Unit)} | {Format(row.P90, row.Unit)} | {Format(row.Max, row.Unit)} | " +
                    $"{row.Samples.Count} | {row.Target ?? ""} | {Met(row.Met)} |");
            }
        }
        return md.ToString();
    }

    public static JsonObject Json(IReadOnlyList<ScenarioReport> reports, bool quick, string build)
    {
        var scenarios = new JsonArray();
        foreach (var report in reports)
        {
            var rows = new JsonArray();
            foreach (var row in report.Rows)
            {
                rows.Add(new JsonObject
                {
                    ["measure"] = row.Measure,
                    ["unit"] = row.Unit,
                    ["median"] = Round(row.Median),
                    ["p90"] = row.P90 is { } p90 ? Round(p90) : null,
                    ["max"] = row.Max is { } max ? Round(max) : null,
                    ["n"] = row.Samples.Count,
                    ["target"] = row.Target,
                    ["met"] = row.Met,
                    ["note"] = row.Note,
                    ["samples"] = new JsonArray([.. row.Samples.Select(s => (JsonNode)Round(s))]),
                });
            }
            scenarios.Add(new JsonObject
            {
                ["scenario"] = report.Scenario,
                ["seconds"] = Math.Round(report.Seconds, 1),
                ["loadBefore"] = report.LoadBefore,
                ["loadAfter"] = report.LoadAfter,
                ["error"] = report.Error,
                ["rows"] = rows,
                ["details"] = report.Details.DeepClone(),
            });
        }
        return new JsonObject
        {
            ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["mode"] = quick ? "quick" : "full",
            ["sidecar"] = build,
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription,
                ["runtime"] = RuntimeInformation.FrameworkDescription,
            },
            ["scenarios"] = scenarios,
        };
    }

    /// <param name="suffix">Added to the file names ("-r2r"), so variants do not overwrite the main results.</param>
    public static void Write(string directory, IReadOnlyList<ScenarioReport> reports, bool quick, string build, string suffix)
    {
        Directory.CreateDirectory(directory);
        var markdown = Markdown(reports, quick, build);
        var json = Json(reports, quick, build).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(directory, $"results-{stamp}{suffix}.md"), markdown);
        File.WriteAllText(Path.Combine(directory, $"results-{stamp}{suffix}.json"), json);
        File.WriteAllText(Path.Combine(directory, $"latest{suffix}.md"), markdown);
        File.WriteAllText(Path.Combine(directory, $"latest{suffix}.json"), json);
    }

    private static string Format(double? value, string unit) => value switch
    {
        null => "",
        { } v when unit == "ms" && v < 1 => v.ToString("0.000", CultureInfo.InvariantCulture) + " ms",
        { } v when unit == "ms" => v.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
        { } v when unit is "x" => v.ToString("0.00", CultureInfo.InvariantCulture) + "x",
        { } v when unit.StartsWith('%') => v.ToString("0.000", CultureInfo.InvariantCulture) + " " + unit,
        { } v when v == Math.Round(v) => v.ToString("0", CultureInfo.InvariantCulture) + " " + unit,
        { } v => v.ToString("0.0", CultureInfo.InvariantCulture) + " " + unit,
    };

    private static double Round(double value) => Math.Round(value, 4);

    private static string Met(bool? met) => met switch { true => "yes", false => "**no**", null => "" };
}
