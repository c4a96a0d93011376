using System.Globalization;
using System.Text;

namespace BackendSidecar.Core.Logging;

/// <summary>
/// A size-rotated, append-only log file of lines <c>&lt;ISO 8601 UTC time with ms&gt; &lt;stream&gt; &lt;text&gt;\n</c> in UTF-8,
/// where stream is <c>stdout</c>, <c>stderr</c> or <c>sidecar</c>.
/// </summary>
/// <remarks>
/// When a line would take the file past <c>maxBytes</c>, the file is renamed to <c>path.1</c> (an older <c>path.1</c>
/// to <c>path.2</c>, and so on up to <c>keepFiles</c>; the oldest is deleted) and a new file is started. A single line
/// larger than <c>maxBytes</c> still gets written, alone in its file.
/// Writes are buffered in memory: call <see cref="Flush"/> to hand them to the OS. Thread-safe.
/// The file is opened on the first write (and again after a failed write), so a bad path fails there, not here.
/// </remarks>
public sealed class RotatingLogFile : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly object _gate = new();
    private readonly long _maxBytes;
    private readonly int _keepFiles;
    // Allocated by the first write: a configured backend that never runs costs no 64 KiB.
    private byte[]? _buffer;
    private int _buffered;
    private FileStream? _file;
    private long _size;
    private bool _disposed;

    // Lines of one read share a timestamp: format it once.
    private DateTimeOffset _lastTime = DateTimeOffset.MinValue;
    private readonly byte[] _timeBytes = new byte[32];
    private int _timeLength;

    /// <param name="path">The file; its folder is created when missing.</param>
    /// <param name="maxBytes">The size at which the file is rotated; at least 1.</param>
    /// <param name="keepFiles">How many rotated files (<c>.1</c> … <c>.keepFiles</c>) are kept; 0 keeps none.</param>
    public RotatingLogFile(string path, long maxBytes, int keepFiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(keepFiles);
        Path = System.IO.Path.GetFullPath(path);
        _maxBytes = maxBytes;
        _keepFiles = keepFiles;
    }

    /// <summary>The absolute path of the current file.</summary>
    public string Path { get; }

    /// <summary>The contract's name of a stream in the file: <c>stdout</c>, <c>stderr</c>, <c>sidecar</c>.</summary>
    public static string StreamName(LogStream stream) => stream switch
    {
        LogStream.Stdout => "stdout",
        LogStream.Stderr => "stderr",
        _ => "sidecar",
    };

    /// <summary>Appends one entry (its seq is not written).</summary>
    public void Write(LogEntry entry) => Write(entry.Time, entry.Stream, entry.Text);

    /// <summary>Appends one line. A newline inside <paramref name="text"/> is written as <c>\n</c> so one entry stays one line.</summary>
    /// <exception cref="IOException">The file cannot be opened, rotated or written; the line is lost, the next write tries again.</exception>
    public void Write(DateTimeOffset time, LogStream stream, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('\n'))
        {
            text = text.Replace("\n", "\\n", StringComparison.Ordinal);
        }

        var name = StreamName(stream);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            FormatTimeNeedsLock(time);
            var length = _timeLength + 1 + name.Length + 1 + Utf8.GetByteCount(text) + 1;
            try
            {
                OpenNeedsLock();
                if (_size > 0 && _size + length > _maxBytes)
                {
                    RotateNeedsLock();
                }

                if (length > BufferSize - _buffered)
                {
                    WriteBufferNeedsLock();
                }

                if (length > BufferSize)
                {
                    // Rare: a line longer than the buffer goes to the file directly.
                    var line = new byte[length];
                    FillLineNeedsLock(line, name, text);
                    _file!.Write(line);
                }
                else
                {
                    _buffer ??= new byte[BufferSize];
                    FillLineNeedsLock(_buffer.AsSpan(_buffered, length), name, text);
                    _buffered += length;
                }

                _size += length;
            }
            catch (IOException)
            {
                CloseAfterErrorNeedsLock();
                throw;
            }
            catch (UnauthorizedAccessException e)
            {
                CloseAfterErrorNeedsLock();
                throw new IOException(e.Message, e);
            }
        }
    }

    /// <summary>Hands the buffered lines to the OS (not an fsync: a crash of the sidecar loses nothing, a power cut may).</summary>
    /// <exception cref="IOException">The write failed; the buffered lines are lost.</exception>
    public void Flush()
    {
        lock (_gate)
        {
            if (_file is null || _disposed)
            {
                return;
            }

            try
            {
                WriteBufferNeedsLock();
                _file.Flush();
            }
            catch (IOException)
            {
                CloseAfterErrorNeedsLock();
                throw;
            }
            catch (UnauthorizedAccessException e)
            {
                CloseAfterErrorNeedsLock();
                throw new IOException(e.Message, e);
            }
        }
    }

    /// <summary>Flushes (ignoring a failure) and closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                if (_file is not null)
                {
                    WriteBufferNeedsLock();
                }
            }
            catch (IOException)
            {
                // Nothing left to report it to: the owner is going away.
            }
            finally
            {
                _file?.Dispose();
                _file = null;
                _disposed = true;
            }
        }
    }

    private void OpenNeedsLock()
    {
        if (_file is not null)
        {
            return;
        }

        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // Logs may hold what a backend printed about its users: 0600, and never through a link planted in the folder.
        _file = Processes.Interop.PrivateFile.OpenAppend(Path);
        _size = _file.Length;
    }

    private void RotateNeedsLock()
    {
        WriteBufferNeedsLock();
        _file!.Dispose();
        _file = null;

        if (_keepFiles == 0)
        {
            File.Delete(Path);
        }
        else
        {
            File.Delete(RotatedPath(_keepFiles));
            for (var i = _keepFiles - 1; i >= 1; i--)
            {
                if (File.Exists(RotatedPath(i)))
                {
                    File.Move(RotatedPath(i), RotatedPath(i + 1), overwrite: true);
                }
            }

            File.Move(Path, RotatedPath(1), overwrite: true);
        }

        OpenNeedsLock();
    }

    private string RotatedPath(int index) => Path + "." + index.ToString(CultureInfo.InvariantCulture);

    private void WriteBufferNeedsLock()
    {
        if (_buffered > 0)
        {
            var count = _buffered;
            _buffered = 0;
            _file!.Write(_buffer!, 0, count);
        }
    }

    private void CloseAfterErrorNeedsLock()
    {
        _buffered = 0;
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
            // The stream is broken already; reopening on the next write is the recovery.
        }

        _file = null;
    }

    private void FormatTimeNeedsLock(DateTimeOffset time)
    {
        if (time == _lastTime)
        {
            return;
        }

        Span<char> chars = stackalloc char[32];
        time.UtcDateTime.TryFormat(chars, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        _timeLength = Utf8.GetBytes(chars[..written], _timeBytes);
        _lastTime = time;
    }

    private void FillLineNeedsLock(Span<byte> line, string stream, string text)
    {
        _timeBytes.AsSpan(0, _timeLength).CopyTo(line);
        var at = _timeLength;
        line[at++] = (byte)' ';
        at += Encoding.ASCII.GetBytes(stream, line[at..]);
        line[at++] = (byte)' ';
        at += Utf8.GetBytes(text, line[at..]);
        line[at] = (byte)'\n';
    }
}
