using System.Text;

namespace BackendSidecar.Core.Configuration;

/// <summary>
/// A configuration that cannot be used. <see cref="Path"/> is the JSON path of the bad field
/// (<c>$.backends.api.health.intervalMs</c>); <see cref="Exception.Message"/> is one line naming the file (when there is one),
/// the field and the problem, e.g. <c>/app/backends.json: $.backends.api.health.intervalMs: must be &gt;= 1, got 0</c>,
/// or <c>/app/backends.json:4:7: invalid JSON: ...</c> when a position in the file is known.
/// </summary>
/// <remarks>Line breaks in the problem are replaced by spaces: the message is meant for one line of a terminal or an RPC error.</remarks>
public sealed class ConfigException : Exception
{
    /// <summary>A problem at a JSON path, optionally in a named file.</summary>
    public ConfigException(string path, string problem, string? file = null)
        : this(path, problem, file, line: null, column: null)
    {
    }

    /// <summary>A problem at a known position (1-based line and column) of a file, e.g. a JSON syntax error or a bad envFile line.</summary>
    public ConfigException(string path, string problem, string? file, int? line, int? column)
        : base(Format(OneLine(path), OneLine(problem), file is null ? null : OneLine(file), line, column))
    {
        Path = path;
        Problem = OneLine(problem);
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>JSON path of the bad field; <c>$</c> when the problem is the whole file.</summary>
    public string Path { get; }

    /// <summary>The problem alone, without file or path.</summary>
    public string Problem { get; }

    /// <summary>The file concerned (the config file, or an envFile); <c>null</c> for an inline config.</summary>
    public string? File { get; }

    /// <summary>1-based line in <see cref="File"/>, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column (in UTF-8 bytes for JSON syntax errors), when known.</summary>
    public int? Column { get; }

    private static string OneLine(string text) =>
        text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');

    private static string Format(string path, string problem, string? file, int? line, int? column)
    {
        var sb = new StringBuilder();
        if (file is not null)
        {
            sb.Append(file);
            if (line is not null) sb.Append(':').Append(line.Value);
            if (line is not null && column is not null) sb.Append(':').Append(column.Value);
            sb.Append(": ");
        }
        else if (line is not null)
        {
            sb.Append("line ").Append(line.Value);
            if (column is not null) sb.Append(", column ").Append(column.Value);
            sb.Append(": ");
        }
        // "$" adds nothing once a file or position says where the problem is.
        if (path != "$" || (file is null && line is null)) sb.Append(path).Append(": ");
        return sb.Append(problem).ToString();
    }
}
