namespace BackendSidecar.Commands;

/// <summary>Whether <c>run</c> and <c>check</c> colour their output, and the few colours they use.</summary>
internal static class TerminalColors
{
    public const string Reset = "\e[0m", Dim = "\e[2m", Red = "\e[31m", Green = "\e[32m", Yellow = "\e[33m", Bold = "\e[1m";

    /// <summary>Colours for a terminal only: not when piped or redirected, not with --no-color, not when NO_COLOR is set (https://no-color.org).</summary>
    public static bool Enabled(bool noColorOption, bool outputRedirected, string? noColorVariable) =>
        !noColorOption && !outputRedirected && string.IsNullOrEmpty(noColorVariable);

    /// <summary><see cref="Enabled(bool, bool, string?)"/> for this process's stdout.</summary>
    public static bool ForStdout(bool noColorOption) =>
        Enabled(noColorOption, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR"));

    public static string Paint(bool enabled, string color, string text) => enabled ? color + text + Reset : text;
}
