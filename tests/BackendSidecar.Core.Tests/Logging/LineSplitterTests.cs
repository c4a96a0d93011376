using System.Text;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Tests.Logging;

public class LineSplitterTests
{
    private static List<string> Split(LineSplitter splitter, params byte[][] reads)
    {
        var lines = new List<LinePiece>();
        foreach (var read in reads)
        {
            splitter.Push(read, lines);
        }

        splitter.Complete(lines);
        return lines.Select(l => l.Text).ToList();
    }

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Push_LfAndCrLf_SplitIntoLinesWithoutEndings()
    {
        var lines = Split(new LineSplitter(), B("one\ntwo\r\nthree\n"));

        Assert.Equal(["one", "two", "three"], lines);
    }

    [Fact]
    public void Push_EmptyLines_Kept()
    {
        Assert.Equal(["", "a", "", ""], Split(new LineSplitter(), B("\na\n\r\n\n")));
    }

    [Fact]
    public void Push_LoneCrInsideLine_Kept()
    {
        Assert.Equal(["progress 10%\rprogress 20%"], Split(new LineSplitter(), B("progress 10%\rprogress 20%\n")));
    }

    [Fact]
    public void Push_LineAcrossReads_EmittedOnceWhole()
    {
        var splitter = new LineSplitter();
        var lines = new List<LinePiece>();

        splitter.Push(B("hel"), lines);
        splitter.Push(B("lo wo"), lines);
        Assert.Empty(lines);
        splitter.Push(B("rld\r"), lines);
        Assert.Empty(lines);
        splitter.Push(B("\nnext"), lines);

        Assert.Equal([new LinePiece("hello world", Continues: false)], lines);
    }

    [Fact]
    public void Complete_PartialLastLine_Emitted()
    {
        Assert.Equal(["done", "no newline at the end"], Split(new LineSplitter(), B("done\nno newline at the end")));
    }

    [Fact]
    public void Complete_EndsWithNewline_NoExtraEmptyLine()
    {
        Assert.Equal(["a"], Split(new LineSplitter(), B("a\n")));
        Assert.Empty(Split(new LineSplitter()));
    }

    [Fact]
    public void Push_LineLongerThanMax_EmittedInPiecesOfMax()
    {
        var lines = Split(new LineSplitter(maxLineBytes: 10), B(new string('a', 25) + "\nshort\n"));

        Assert.Equal([new string('a', 10), new string('a', 10), new string('a', 5), "short"], lines);
    }

    [Fact]
    public void Push_LongLine_PiecesSayTheLineGoesOn()
    {
        var lines = new List<LinePiece>();
        var splitter = new LineSplitter(maxLineBytes: 10);

        splitter.Push(B(new string('a', 25) + "\nshort\n"), lines);

        Assert.Equal([true, true, false, false], lines.Select(l => l.Continues));
    }

    [Fact]
    public void Push_LongLineInSmallReads_SamePiecesAsInOneRead()
    {
        var text = string.Concat(Enumerable.Range(0, 30).Select(i => (char)('a' + i % 26))) + "\n";
        var whole = Split(new LineSplitter(maxLineBytes: 8), B(text));
        var byteByByte = Split(new LineSplitter(maxLineBytes: 8), B(text).Select(b => new[] { b }).ToArray());

        Assert.Equal(whole, byteByByte);
        Assert.Equal(text.TrimEnd('\n'), string.Concat(whole));
        Assert.All(whole, piece => Assert.True(piece.Length <= 8));
    }

    [Fact]
    public void Push_LinesLongerThanTheFirstBufferInSmallReads_SameAsInOneRead()
    {
        var bytes = B(new string('q', 10_000) + "\n" + new string('r', 100_000) + "\nend\n");

        var whole = Split(new LineSplitter(), bytes);
        var inReads = Split(new LineSplitter(), [.. bytes.Chunk(1000)]);

        Assert.Equal(whole, inReads);
        Assert.Equal([10_000, LineSplitter.DefaultMaxLineBytes, 100_000 - LineSplitter.DefaultMaxLineBytes, 3], inReads.Select(l => l.Length));
    }

    [Fact]
    public void Push_LineOfExactlyMaxWithCrLf_OneLine()
    {
        var line = new string('x', 10);

        Assert.Equal([line, "y"], Split(new LineSplitter(maxLineBytes: 10), B(line + "\r\ny\n")));
        Assert.Equal([line, "y"], Split(new LineSplitter(maxLineBytes: 10), B(line + "\r"), B("\ny\n")));
        Assert.Equal([line], Split(new LineSplitter(maxLineBytes: 10), B(line)));
    }

    [Fact]
    public void Push_NoNewlineEver_MemoryBoundedByPieces()
    {
        var splitter = new LineSplitter(maxLineBytes: 1024);
        var lines = new List<LinePiece>();
        var chunk = B(new string('z', 4096));

        for (var i = 0; i < 100; i++)
        {
            splitter.Push(chunk, lines);
        }

        Assert.True(lines.Count >= 399);
        Assert.All(lines, piece => Assert.Equal(1024, piece.Text.Length));
        Assert.All(lines, piece => Assert.True(piece.Continues));
    }

    [Fact]
    public void Push_InvalidUtf8_BecomesReplacementCharacter()
    {
        var lines = Split(new LineSplitter(), [(byte)'a', 0xFF, (byte)'b', 0xC3, (byte)'\n', 0xE2, 0x82, (byte)'\n']);

        Assert.Equal(["a\uFFFDb\uFFFD", "\uFFFD"], lines);
    }

    [Fact]
    public void Push_MultiByteCharactersSplitAcrossReads_DecodedWhole()
    {
        var text = "grüße € 😀 done\n";
        var lines = Split(new LineSplitter(), B(text).Select(b => new[] { b }).ToArray());

        Assert.Equal(["grüße € 😀 done"], lines);
    }

    [Fact]
    public void Push_LongLineOfMultiByteCharacters_PiecesJoinToTheOriginal()
    {
        // 3-byte characters and a limit that is not a multiple of 3: pieces cut characters in half.
        var text = string.Concat(Enumerable.Repeat("€", 50));
        var pieces = Split(new LineSplitter(maxLineBytes: 16), B(text + "\n"));

        Assert.True(pieces.Count > 1);
        Assert.Equal(text, string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
    }

    [Fact]
    public void Push_RandomReadSizes_SameLinesAsOneRead()
    {
        var random = new Random(42);
        var builder = new StringBuilder();
        for (var i = 0; i < 500; i++)
        {
            builder.Append(new string((char)('a' + i % 26), random.Next(0, 200))).Append(i % 3 == 0 ? "ä\r\n" : "\n");
        }

        var bytes = B(builder.ToString());
        var reads = new List<byte[]>();
        for (var at = 0; at < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 300), bytes.Length - at);
            reads.Add(bytes[at..(at + size)]);
            at += size;
        }

        Assert.Equal(Split(new LineSplitter(100), bytes), Split(new LineSplitter(100), [.. reads]));
    }
}
