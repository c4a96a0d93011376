using System.Text;
using BackendSidecar.Core.Configuration.Schema;

namespace BackendSidecar.Core.Configuration;

/// <summary>
/// Expands <c>${configDir}</c>, <c>${env:NAME}</c>, <c>${env:NAME:-fallback}</c>, <c>${port}</c> and <c>${profile}</c>;
/// <c>$${</c> is a literal <c>${</c>. Anything else in <c>${...}</c> is an error, as is an unset variable without a fallback:
/// silently expanding to an empty string would start a backend with a half-built command line.
/// </summary>
internal sealed class VariableExpander(string configDirectory, int? port, string? profile, Func<string, string?> getEnv)
{
    private static readonly string[] s_known = ["configDir", "env:NAME", "port", "profile"];

    /// <exception cref="ConfigException">An unknown or unterminated variable, an unset environment variable, or <c>${port}</c> without a port.</exception>
    public string Expand(string text, string path)
    {
        if (!text.Contains('$', StringComparison.Ordinal)) return text;
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                sb.Append("${");
                i += 3;
                continue;
            }
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = text.IndexOf('}', i + 2);
                if (end < 0) throw new ConfigException(path, $"unterminated \"${{\" at character {i + 1} (write $${{ for a literal ${{)");
                sb.Append(Resolve(text[(i + 2)..end], path));
                i = end + 1;
                continue;
            }
            sb.Append(text[i]);
            i++;
        }
        return sb.ToString();
    }

    private string Resolve(string name, string path)
    {
        switch (name)
        {
            case "configDir":
                return configDirectory;
            case "profile":
                return profile ?? "";
            case "port":
                return port?.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    ?? throw new ConfigException(path, "${port} is used but the backend has no \"port\"");
        }
        if (name.StartsWith("env:", StringComparison.Ordinal)) return ResolveEnv(name[4..], path);

        var hint = Suggestions.DidYouMean(name, s_known);
        throw new ConfigException(path,
            $"unknown variable ${{{name}}}{hint}; known: ${{configDir}}, ${{env:NAME}}, ${{env:NAME:-fallback}}, ${{port}}, ${{profile}}");
    }

    private string ResolveEnv(string spec, string path)
    {
        var fallbackAt = spec.IndexOf(":-", StringComparison.Ordinal);
        var variable = fallbackAt < 0 ? spec : spec[..fallbackAt];
        if (variable.Length == 0 || variable.Contains('=', StringComparison.Ordinal))
            throw new ConfigException(path, $"invalid environment variable name in ${{env:{spec}}}");

        var value = getEnv(variable);
        if (fallbackAt >= 0) return string.IsNullOrEmpty(value) ? spec[(fallbackAt + 2)..] : value;
        return value ?? throw new ConfigException(path,
            $"environment variable {variable} is not set (write ${{env:{variable}:-fallback}} to give a default)");
    }
}
