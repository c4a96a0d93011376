using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Tests.Configuration;

public sealed class EnvFileTests
{
    private static IReadOnlyDictionary<string, string> Parse(string text) => EnvFile.Parse(text, "/app/.env");

    private static ConfigException Fails(string text)
    {
        var e = Assert.Throws<ConfigException>(() => EnvFile.Parse(text, "/app/.env", "$.backends.api.envFile"));
        ConfigTestSupport.AssertOneLine(e);
        Assert.Equal("$.backends.api.envFile", e.Path);
        Assert.Equal("/app/.env", e.File);
        return e;
    }

    [Fact]
    public void Parse_PlainLines_ReadsKeysAndValues()
    {
        var env = Parse("A=1\nB=two words\n_C.d-e=x=y\n");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two words", ["_C.d-e"] = "x=y" }, env);
    }

    [Fact]
    public void Parse_CommentsBlankLinesAndExport_AreHandled()
    {
        var env = Parse("""
            # a comment

              # indented comment
            export MODEL=base
            export  TOKEN = abc
            	TABBED=1
            """);

        Assert.Equal(new Dictionary<string, string> { ["MODEL"] = "base", ["TOKEN"] = "abc", ["TABBED"] = "1" }, env);
    }

    [Theory]
    [InlineData("A=value # comment", "value")]
    [InlineData("A=value\t# comment", "value")]
    [InlineData("A=a#b", "a#b")]
    [InlineData("A=#notacomment", "#notacomment")]
    [InlineData("A= # only a comment", "")]
    [InlineData("A=", "")]
    [InlineData("A=   ", "")]
    [InlineData("A=  padded  ", "padded")]
    [InlineData("A=http://h/#frag", "http://h/#frag")]
    public void Parse_UnquotedValue_TrimsAndDropsTrailingComment(string line, string expected)
    {
        Assert.Equal(expected, Parse(line)["A"]);
    }

    [Theory]
    [InlineData("A='literal \\n $HOME # not a comment'", "literal \\n $HOME # not a comment")]
    [InlineData("A='say \"hi\"'", "say \"hi\"")]
    [InlineData("A=''", "")]
    [InlineData("A='x' # comment", "x")]
    public void Parse_SingleQuoted_IsLiteral(string line, string expected)
    {
        Assert.Equal(expected, Parse(line)["A"]);
    }

    [Theory]
    [InlineData("A=\"line1\\nline2\"", "line1\nline2")]
    [InlineData("A=\"tab\\there\\r\"", "tab\there\r")]
    [InlineData("A=\"quote \\\" and backslash \\\\\"", "quote \" and backslash \\")]
    [InlineData("A=\"unknown \\x escape\"", "unknown \\x escape")]
    [InlineData("A=\"# not a comment\" # a comment", "# not a comment")]
    [InlineData("A=\"\"", "")]
    public void Parse_DoubleQuoted_UnderstandsEscapes(string line, string expected)
    {
        Assert.Equal(expected, Parse(line)["A"]);
    }

    [Fact]
    public void Parse_QuotedValueAcrossLines_KeepsNewlinesAndCountsLines()
    {
        const string text = "KEY=\"-----BEGIN\nabc\n-----END\"\nNEXT='a\nb'\nAFTER=1\n";

        var env = Parse(text);

        Assert.Equal("-----BEGIN\nabc\n-----END", env["KEY"]);
        Assert.Equal("a\nb", env["NEXT"]);
        Assert.Equal("1", env["AFTER"]);
        var e = Fails(text + "broken");
        Assert.Equal(7, e.Line);
    }

    [Fact]
    public void Parse_WindowsLineEndings_AreAccepted()
    {
        var env = Parse("A=1\r\nB=\"x\"\r\n# c\r\nC=3");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x", ["C"] = "3" }, env);
    }

    [Fact]
    public void Parse_DuplicateKey_LaterWins()
    {
        Assert.Equal("2", Parse("A=1\nA=2")["A"]);
    }

    [Fact]
    public void Parse_LineWithoutEquals_NamesFileAndLine()
    {
        var e = Fails("A=1\nJUST_A_NAME\n");

        Assert.Equal(2, e.Line);
        Assert.Equal("/app/.env:2: $.backends.api.envFile: expected KEY=VALUE", e.Message);
    }

    [Theory]
    [InlineData("1A=x", "invalid variable name \"1A\"")]
    [InlineData("MY KEY=x", "invalid variable name \"MY KEY\"")]
    [InlineData("=x", "invalid variable name \"\"")]
    [InlineData("A='x' trailing", "unexpected text after the closing quote")]
    [InlineData("A=\"x\"y", "unexpected text after the closing quote")]
    public void Parse_MalformedLine_SaysWhat(string line, string problem)
    {
        var e = Fails("OK=1\n" + line);

        Assert.Equal($"/app/.env:2: $.backends.api.envFile: {problem}", e.Message);
    }

    [Theory]
    [InlineData("S=\"sk-secret-value\nMORE=1", "unterminated double-quoted value")]
    [InlineData("S='sk-secret-value", "unterminated single-quoted value")]
    public void Parse_UnterminatedQuote_NamesOpeningLineAndNeverTheValue(string text, string problem)
    {
        var e = Fails("# header\n" + text);

        Assert.Equal($"/app/.env:2: $.backends.api.envFile: {problem}", e.Message);
        Assert.DoesNotContain("sk-secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_File_ParsesIt()
    {
        using var temp = new TempFolder();
        var path = temp.Write(".env", "MODEL=large\nexport TOKEN='abc'\n");

        Assert.Equal(new Dictionary<string, string> { ["MODEL"] = "large", ["TOKEN"] = "abc" }, EnvFile.Read(path));
    }

    [Fact]
    public void Read_BadLineInFile_NamesThatFile()
    {
        using var temp = new TempFolder();
        var path = temp.Write(".env", "OK=1\n\nnope\n");

        var e = Assert.Throws<ConfigException>(() => EnvFile.Read(path));

        Assert.Equal($"{path}:3: expected KEY=VALUE", e.Message);
    }

    [Fact]
    public void Read_MissingFile_IsConfigExceptionWithPath()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("missing.env");

        var e = Assert.Throws<ConfigException>(() => EnvFile.Read(path, "$.backends.api.envFile"));

        Assert.Equal($"{path}: $.backends.api.envFile: env file not found", e.Message);
        Assert.Equal("$.backends.api.envFile", e.Path);
    }
}
