using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Diagnostics;

/// <summary>Findings about the configuration as a whole, that no single backend's preflight can see.</summary>
public static class ConfigurationChecks
{
    public static IReadOnlyList<Check> Run(SidecarConfig config)
    {
        var checks = new List<Check>();
        if (config.Backends.Count == 0)
            checks.Add(new Check("backends", false, CheckSeverity.Warning, "no backend is configured: add one under \"backends\""));

        // Two backends on one port: only one can listen at a time, so the second fails with "port in use" when both run.
        foreach (var shared in config.Backends.Where(b => b.Port is not null).GroupBy(b => b.Port!.Value).Where(g => g.Count() > 1))
        {
            var names = shared.Select(b => b.Name).ToList();
            checks.Add(new Check("ports", false, CheckSeverity.Warning,
                $"port {shared.Key} is configured for {string.Join(" and ", names)}: only one of them can listen on it at a time",
                new Dictionary<string, object?> { ["port"] = shared.Key, ["backends"] = names }));
        }
        return checks;
    }
}
