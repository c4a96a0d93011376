using System.Globalization;

namespace BackendSidecar.Testing;

/// <summary>
/// Reads a child's output line by line with timeouts, keeping what it saw for failure messages. A read that times out
/// stays pending and is picked up by the next call (a pipe read cannot be cancelled).
/// </summary>
public sealed class OutputLines(Stream stream)
{
    private readonly StreamReader _reader = new(stream);
    private readonly List<string> _seen = [];
    private Task<string?>? _pending;

    /// <summary>Every line read so far.</summary>
    public IReadOnlyList<string> Seen => _seen;

    /// <summary>The next line; <see cref="TimeoutException"/> after <paramref name="timeout"/>, <see cref="EndOfStreamException"/> at the end.</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        _pending ??= _reader.ReadLineAsync();
        var limit = timeout ?? TestTimeouts.Unexpected;
        if (await Task.WhenAny(_pending, Task.Delay(limit)) != _pending)
            throw new TimeoutException($"No line within {limit.TotalMilliseconds} ms; seen so far: [{string.Join(" | ", _seen)}]");
        var line = await _pending;
        _pending = null;
        if (line is null) throw new EndOfStreamException($"Output ended; seen: [{string.Join(" | ", _seen)}]");
        _seen.Add(line);
        return line;
    }

    /// <summary>Skips lines until one satisfies <paramref name="match"/>, all within <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Unexpected);
        while (true)
        {
            var line = await ReadLineAsync(Max(deadline - DateTime.UtcNow));
            if (match(line)) return line;
        }
    }

    /// <summary>Waits for a line "<paramref name="prefix"/> N" and returns N (e.g. "pid 123", "grandchild 456").</summary>
    public async Task<int> ReadNumberAsync(string prefix, TimeSpan? timeout = null)
    {
        var line = await WaitForLineAsync(l => l.StartsWith(prefix + " ", StringComparison.Ordinal), timeout);
        return int.Parse(line.AsSpan(prefix.Length + 1), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits for <paramref name="count"/> lines "<paramref name="prefix"/> N" and returns the numbers.</summary>
    public async Task<IReadOnlyList<int>> ReadNumbersAsync(string prefix, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Unexpected);
        var numbers = new List<int>();
        while (numbers.Count < count) numbers.Add(await ReadNumberAsync(prefix, Max(deadline - DateTime.UtcNow)));
        return numbers;
    }

    private static TimeSpan Max(TimeSpan left) => left > TimeSpan.Zero ? left : TimeSpan.Zero;
}
