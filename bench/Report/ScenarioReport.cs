using System.Text.Json.Nodes;
using BackendSidecar.Bench.Measure;

namespace BackendSidecar.Bench.Report;

/// <summary>What one scenario found: table rows, details for the JSON file, and the machine's load around it.</summary>
internal sealed class ScenarioReport(string scenario)
{
    public string Scenario { get; } = scenario;

    public List<ResultRow> Rows { get; } = [];

    public JsonObject Details { get; } = [];

    public string LoadBefore { get; } = ProcFs.LoadAverage();

    public string? LoadAfter { get; set; }

    public double Seconds { get; set; }

    public string? Error { get; set; }

    public ResultRow Add(ResultRow row)
    {
        Rows.Add(row);
        return row;
    }

    public ResultRow Samples(string measure, string unit, IReadOnlyList<double> samples,
        string? target = null, Func<Stats, bool>? met = null, string? note = null) =>
        Add(ResultRow.FromSamples(Scenario, measure, unit, samples, target, met, note));

    public ResultRow Single(string measure, string unit, double value, string? target = null, bool? met = null, string? note = null) =>
        Add(ResultRow.Single(Scenario, measure, unit, value, target, met, note));
}
