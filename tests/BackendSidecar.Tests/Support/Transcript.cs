using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace BackendSidecar.Tests.Support;

/// <summary>
/// Records every message a test sent to and received from a sidecar in tests/transcripts/&lt;test&gt;.jsonl, one JSON object
/// a line (protocol/README.md, "Transcripts"), so that the TypeScript tests check each of them against the OpenRPC document.
/// </summary>
internal sealed class Transcript : IDisposable
{
    private static readonly ConcurrentDictionary<string, int> s_names = new(StringComparer.Ordinal);
    private static readonly Lazy<string> s_folder = new(PrepareFolder);

    private readonly StreamWriter _writer;
    private readonly string _framing;
    private bool _closed;

    private Transcript(string path, string framing)
    {
        Path = path;
        _framing = framing;
        _writer = new StreamWriter(path, append: false) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>tests/transcripts in the repository (gitignored).</summary>
    public static string Folder => s_folder.Value;

    public string Path { get; }

    /// <summary>A new transcript for <paramref name="name"/>; a second sidecar in the same test gets "-2" and so on.</summary>
    public static Transcript Create(string name, string framing)
    {
        var count = s_names.AddOrUpdate(name, 1, (_, n) => n + 1);
        var file = count == 1 ? name : $"{name}-{count}";
        return new Transcript(System.IO.Path.Combine(Folder, file + ".jsonl"), framing);
    }

    /// <summary>A message the test sent. <paramref name="message"/> may be a string when the test sent bytes that are not JSON.</summary>
    public void In(JsonNode? message, string? note = null) => Write(Line("in", message, note));

    /// <summary>A message the sidecar sent; <paramref name="method"/> names the request a response answers (null: unknown).</summary>
    public void Out(JsonNode message, string? method)
    {
        var line = Line("out", message, null);
        if (message is JsonObject response && !response.ContainsKey("method")) line["method"] = method;
        Write(line);
    }

    /// <summary>A batch answer; <paramref name="methods"/> names, by position, the request each response answers.</summary>
    public void OutBatch(JsonArray batch, IReadOnlyList<string?> methods)
    {
        var line = Line("out", batch, null);
        line["methods"] = new JsonArray([.. methods.Select(m => (JsonNode?)m)]);
        Write(line);
    }

    public void Dispose()
    {
        lock (_writer)
        {
            _closed = true;
            _writer.Dispose();
        }
    }

    private JsonObject Line(string dir, JsonNode? message, string? note)
    {
        var line = new JsonObject { ["dir"] = dir, ["framing"] = _framing, ["message"] = message?.DeepClone() };
        if (note is not null) line["note"] = note;
        return line;
    }

    private void Write(JsonObject line)
    {
        var text = line.ToJsonString();
        lock (_writer)
        {
            // Messages that arrive after the test let go of the sidecar (its last words) are not recorded.
            if (!_closed) _writer.WriteLine(text);
        }
    }

    private static string PrepareFolder()
    {
        var folder = System.IO.Path.Combine(SidecarApp.RepositoryRoot, "tests", "transcripts");
        Directory.CreateDirectory(folder);
        // The folder reflects the last run only: a renamed test must not leave an old transcript to be validated.
        foreach (var stale in Directory.EnumerateFiles(folder, "*.jsonl")) File.Delete(stale);
        return folder;
    }
}
