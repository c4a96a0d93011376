using System.Text;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>
/// Builds a Windows command line from an argument list so that the MSVCRT rules (CommandLineToArgvW, every C runtime,
/// .NET, Python) give the same list back: an argument with a space, tab or quote, or an empty one, is quoted; inside
/// quotes a quote is escaped with a backslash, and backslashes are doubled only where they precede a quote.
/// </summary>
/// <remarks>Pure; no OS call, so it is tested on any OS. cmd.exe (for .cmd and .bat) has rules of its own for
/// <c>&amp; | &lt; &gt; ^ %</c>: those are not escaped here.</remarks>
public static class WindowsCommandLine
{
    /// <summary>The command line for <paramref name="fileName"/> followed by <paramref name="args"/>.</summary>
    public static string Build(string fileName, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var line = new StringBuilder();
        // argv[0] follows simpler rules (no backslash escapes): quote it whole; a path cannot hold a quote.
        line.Append('"').Append(fileName).Append('"');
        foreach (var arg in args)
        {
            line.Append(' ');
            AppendQuoted(line, arg);
        }
        return line.ToString();
    }

    /// <summary>Appends one argument, quoted when it has to be.</summary>
    public static void AppendQuoted(StringBuilder line, string arg)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(arg);
        if (arg.Length > 0 && arg.AsSpan().IndexOfAny(" \t\n\v\"") < 0)
        {
            line.Append(arg);
            return;
        }
        line.Append('"');
        var backslashes = 0;
        foreach (var c in arg)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            // Backslashes before a quote are doubled, and the quote itself escaped; elsewhere they are literal.
            line.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes);
            backslashes = 0;
            line.Append(c);
        }
        // Before the closing quote they must be doubled too, or the last one would escape it.
        line.Append('\\', backslashes * 2).Append('"');
    }
}
