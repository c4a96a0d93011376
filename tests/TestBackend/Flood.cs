using System.Text;

namespace TestBackend;

/// <summary>--lines: writes numbered lines to stdout as fast as possible, through one large buffer.</summary>
internal static class Flood
{
    /// <summary>Line i is "i" zero-padded to 9 digits, a space, then 'x' up to <paramref name="lineBytes"/> bytes.</summary>
    public static void Write(int lines, int lineBytes)
    {
        using var output = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
        var line = new byte[Math.Max(lineBytes, 10) + 1];
        line.AsSpan().Fill((byte)'x');
        line[^1] = (byte)'\n';
        for (var i = 0; i < lines; i++)
        {
            Encoding.ASCII.GetBytes(i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture), line);
            line[9] = (byte)' ';
            output.Write(line);
        }
        output.Flush();
    }
}
