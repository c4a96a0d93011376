namespace BackendSidecar.Core.Configuration;

/// <summary>
/// Builds a child's environment from its layers, each over the previous one: the sidecar's own environment, the envFile,
/// the configured <c>env</c>, the run-time <c>env</c> overrides of start/restart (a <c>null</c> value removes a key),
/// then <c>secretEnv</c>. <c>PYTHONUNBUFFERED=1</c> is set unless the envFile, the configured env or an override set
/// (or removed) it: piped Python block-buffers its output and loses the last lines at a crash.
/// </summary>
/// <remarks>Pure: reads nothing but its arguments. Keys are case-sensitive, as on Unix.</remarks>
public static class EnvironmentBuilder
{
    /// <summary>The variable that makes Python write its output unbuffered.</summary>
    public const string PythonUnbuffered = "PYTHONUNBUFFERED";

    /// <summary>Builds the child's environment.</summary>
    /// <param name="inherited">The sidecar's own environment (see <see cref="CurrentProcessEnvironment"/>).</param>
    /// <param name="envFile">The parsed envFile, if any.</param>
    /// <param name="configured">The backend's <c>env</c> (<see cref="BackendOptions.Env"/>).</param>
    /// <param name="overrides">start/restart <c>env</c>; a <c>null</c> value removes the key.</param>
    /// <param name="secretEnv">start/restart <c>secretEnv</c>; applied last. The caller keeps these out of logs.</param>
    public static IReadOnlyDictionary<string, string> Build(
        IReadOnlyDictionary<string, string> inherited,
        IReadOnlyDictionary<string, string>? envFile,
        IReadOnlyDictionary<string, string>? configured,
        IReadOnlyDictionary<string, string?>? overrides,
        IReadOnlyDictionary<string, string>? secretEnv)
    {
        ArgumentNullException.ThrowIfNull(inherited);
        var env = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        var pythonUnbufferedChosen = false;

        foreach (var layer in new[] { envFile, configured })
        {
            if (layer is null) continue;
            foreach (var (key, value) in layer) env[key] = value;
            pythonUnbufferedChosen |= layer.ContainsKey(PythonUnbuffered);
        }

        if (overrides is not null)
        {
            foreach (var (key, value) in overrides)
            {
                if (value is null) env.Remove(key);
                else env[key] = value;
            }
            pythonUnbufferedChosen |= overrides.ContainsKey(PythonUnbuffered);
        }

        // The sidecar's own PYTHONUNBUFFERED does not count: it says how the sidecar was started, not what the backend needs.
        if (!pythonUnbufferedChosen) env[PythonUnbuffered] = "1";

        if (secretEnv is not null)
        {
            foreach (var (key, value) in secretEnv) env[key] = value;
        }
        return env;
    }

    /// <summary>A snapshot of this process's environment.</summary>
    public static IReadOnlyDictionary<string, string> CurrentProcessEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            env[(string)entry.Key] = (string?)entry.Value ?? "";
        return env;
    }
}
