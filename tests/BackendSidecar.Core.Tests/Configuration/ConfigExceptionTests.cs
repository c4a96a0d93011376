using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Tests.Configuration;

public sealed class ConfigExceptionTests
{
    [Fact]
    public void Message_PathOnly_IsPathAndProblem()
    {
        Assert.Equal("$.backends.api.port: must be >= 1, got 0", new ConfigException("$.backends.api.port", "must be >= 1, got 0").Message);
    }

    [Fact]
    public void Message_WithFile_StartsWithFile()
    {
        Assert.Equal("/a/b.json: $.backends: bad", new ConfigException("$.backends", "bad", "/a/b.json").Message);
    }

    [Fact]
    public void Message_WholeFileProblem_LeavesOutTheRootPath()
    {
        Assert.Equal("/a/b.json: file not found", new ConfigException("$", "file not found", "/a/b.json").Message);
        Assert.Equal("$: not an object", new ConfigException("$", "not an object").Message);
    }

    [Fact]
    public void Message_WithPosition_UsesCompilerStyle()
    {
        var e = new ConfigException("$", "invalid JSON: x", "/a/b.json", 3, 12);

        Assert.Equal("/a/b.json:3:12: invalid JSON: x", e.Message);
        Assert.Equal(3, e.Line);
        Assert.Equal(12, e.Column);
        Assert.Equal("line 3, column 12: invalid JSON: x", new ConfigException("$", "invalid JSON: x", null, 3, 12).Message);
    }

    [Fact]
    public void Message_ProblemWithLineBreaks_IsFlattened()
    {
        var e = new ConfigException("$.a", "first\r\nsecond\nthird");

        Assert.Equal("$.a: first second third", e.Message);
        Assert.Equal("first second third", e.Problem);
    }
}
