using System.Runtime.Versioning;
using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>Real files, modes and symlinks in a temp folder: the lookup is about the file system.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class CommandResolverTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Resolve_VenvInSearchPaths_FoundBeforePath()
    {
        var venvPython = _temp.WriteExecutable(".venv/bin/python3");
        _temp.WriteExecutable("usr/bin/python3");
        var pathEnv = $"{_temp.Combine("usr", "bin")}:/usr/bin";

        var result = CommandResolver.Resolve("python3", [_temp.Combine(".venv", "bin")], _temp.Path, pathEnv);

        Assert.True(result.Found);
        Assert.Equal(venvPython, result.Path);
        Assert.Equal([venvPython], result.Searched);
    }

    [Fact]
    public void Resolve_NotInSearchPaths_FallsBackToPathInOrder()
    {
        var system = _temp.WriteExecutable("usr/bin/python3");
        _temp.WriteExecutable("later/python3");
        var pathEnv = $"{_temp.Combine("empty")}:{_temp.Combine("usr", "bin")}:{_temp.Combine("later")}";

        var result = CommandResolver.Resolve("python3", [_temp.Combine(".venv", "bin"), _temp.Combine("venv", "bin")], _temp.Path, pathEnv);

        Assert.Equal(system, result.Path);
        Assert.Equal(
            [_temp.Combine(".venv", "bin", "python3"), _temp.Combine("venv", "bin", "python3"), _temp.Combine("empty", "python3"), system],
            result.Searched);
    }

    [Fact]
    public void Resolve_NowhereToBeFound_ListsEveryCandidateOnce()
    {
        var pathEnv = $"/nonexistent/a::/nonexistent/b:/nonexistent/a";

        var result = CommandResolver.Resolve("no-such-tool", ["/nonexistent/venv"], _temp.Path, pathEnv);

        Assert.False(result.Found);
        Assert.Null(result.Path);
        Assert.Equal(["/nonexistent/venv/no-such-tool", "/nonexistent/a/no-such-tool", "/nonexistent/b/no-such-tool"], result.Searched);
    }

    [Fact]
    public void Resolve_NonExecutableFileAndDirectory_AreSkipped()
    {
        _temp.Write("a/tool", "not executable", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.CreateDirectory(_temp.Combine("b", "tool"));
        File.SetUnixFileMode(_temp.Combine("b", "tool"), (UnixFileMode)0b111_101_101);
        var good = _temp.WriteExecutable("c/tool");

        var result = CommandResolver.Resolve("tool", [_temp.Combine("a"), _temp.Combine("b"), _temp.Combine("c")], _temp.Path, null);

        Assert.Equal(good, result.Path);
        Assert.Equal(3, result.Searched.Count);
    }

    [Fact]
    public void Resolve_SymlinkToExecutable_KeepsTheLinkPath()
    {
        // A venv's bin/python3 is a symlink; resolving it would lose the venv.
        var target = _temp.WriteExecutable("real/python3.11");
        Directory.CreateDirectory(_temp.Combine(".venv", "bin"));
        var link = _temp.Combine(".venv", "bin", "python3");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(link, CommandResolver.Resolve("python3", [_temp.Combine(".venv", "bin")], _temp.Path, null).Path);
    }

    [Fact]
    public void Resolve_BrokenSymlink_IsSkipped()
    {
        Directory.CreateDirectory(_temp.Combine("bin"));
        File.CreateSymbolicLink(_temp.Combine("bin", "python3"), _temp.Combine("gone"));

        var result = CommandResolver.Resolve("python3", [_temp.Combine("bin")], _temp.Path, null);

        Assert.Null(result.Path);
        Assert.Equal([_temp.Combine("bin", "python3")], result.Searched);
    }

    [Fact]
    public void Resolve_CommandWithSlash_IsRelativeToCwdAndNotSearched()
    {
        var server = _temp.WriteExecutable("work/bin/server");
        _temp.WriteExecutable("path/bin/server");

        var result = CommandResolver.Resolve("bin/server", [_temp.Combine("path", "bin")], _temp.Combine("work"), _temp.Combine("path"));

        Assert.Equal(server, result.Path);
        Assert.Equal([server], result.Searched);
    }

    [Fact]
    public void Resolve_AbsoluteCommandMissing_ReportsThatPath()
    {
        var missing = _temp.Combine("bin", "api-server");

        var result = CommandResolver.Resolve(missing, [], _temp.Path, "/usr/bin");

        Assert.Null(result.Path);
        Assert.Equal([missing], result.Searched);
    }

    [Fact]
    public void Resolve_RealPath_FindsSh()
    {
        var result = CommandResolver.Resolve("sh", [], _temp.Path, Environment.GetEnvironmentVariable("PATH"));

        Assert.True(result.Found);
        Assert.EndsWith("/sh", result.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_RelativeSearchPath_IsTakenFromCwd()
    {
        var tool = _temp.WriteExecutable("node_modules/.bin/tool");

        Assert.Equal(tool, CommandResolver.Resolve("tool", ["node_modules/.bin"], _temp.Path, null).Path);
    }
}
