namespace BackendSidecar.Core.Configuration;

/// <summary>
/// Where the loader reports a problem: thrown at once (<see cref="ConfigLoader.Load"/>, <c>initialize</c>), or collected,
/// so that <c>check</c> can list every problem of a file in one run.
/// </summary>
internal sealed class ConfigErrors(bool collect, string? file)
{
    private readonly List<ConfigException> _all = [];

    /// <summary>True when problems are collected rather than thrown.</summary>
    public bool CollectsAll => collect;

    /// <summary>The problems collected so far, in the order found.</summary>
    public IReadOnlyList<ConfigException> All => _all;

    /// <exception cref="ConfigException"><paramref name="problem"/>, naming the file, when not collecting.</exception>
    public void Report(ConfigException problem)
    {
        if (file is not null && problem.File is null)
            problem = new ConfigException(problem.Path, problem.Problem, file, problem.Line, problem.Column);
        if (!collect) throw problem;
        _all.Add(problem);
    }
}

/// <summary>What <see cref="ConfigLoader.Check"/> found: every problem, and the configuration when there is none.</summary>
/// <param name="Config">The loaded configuration; <c>null</c> when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every problem found, in document order; each message is one line, as <see cref="ConfigException"/>'s.</param>
public sealed record ConfigCheck(SidecarConfig? Config, IReadOnlyList<ConfigException> Errors);
