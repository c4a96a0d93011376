namespace BackendSidecar.Core.Supervision;

/// <summary>
/// Run-time replacements given to start/restart (hot swap: restart with another model). A member left null keeps the
/// current value; <see cref="Reset"/> goes back to the configured values first. They stay in force across automatic restarts.
/// </summary>
/// <param name="Env">Merged over the configured env; a null value removes a key.</param>
/// <param name="SecretEnv">Passed to the child only: never logged, never in a status, never on disk.</param>
public sealed record StartOverrides(
    IReadOnlyList<string>? Args = null,
    IReadOnlyDictionary<string, string?>? Env = null,
    IReadOnlyDictionary<string, string>? SecretEnv = null,
    bool Reset = false)
{
    public static StartOverrides None { get; } = new();

    /// <summary>This request's values laid over <paramref name="current"/>.</summary>
    public StartOverrides Over(StartOverrides current)
    {
        var basis = Reset ? None : current;
        return new StartOverrides(Args ?? basis.Args, Env ?? basis.Env, SecretEnv ?? basis.SecretEnv);
    }
}
