using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>The Windows lookup (PATHEXT, a venv's Scripts, ';' in PATH) on real files, by rules given as a value: they run
/// on Linux too.</summary>
public sealed class CommandResolverWindowsRulesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Resolve_BareName_TriesEachPathExtInOrder()
    {
        var cmd = _temp.Write("tools/uvicorn.cmd", "@echo off\r\n");

        var result = CommandResolver.Resolve("uvicorn", [_temp.Combine("tools")], _temp.Path, null, CommandLookupRules.ForWindows(".EXE;.CMD"));

        Assert.Equal(cmd, result.Path);
        Assert.Equal([_temp.Combine("tools", "uvicorn.exe"), cmd], result.Searched);
    }

    [Fact]
    public void Resolve_NameWithAPathExtExtension_IsTriedAsItIs()
    {
        var bat = _temp.Write("tools/run.bat", "@echo off\r\n");

        var result = CommandResolver.Resolve("run.bat", [_temp.Combine("tools")], _temp.Path, null, CommandLookupRules.ForWindows(null));

        Assert.Equal(bat, result.Path);
        Assert.Equal([bat], result.Searched);
    }

    [Fact]
    public void Resolve_VenvBin_IsFollowedByItsScriptsFolder()
    {
        var python = _temp.Write(".venv/Scripts/python.exe", "MZ");

        var result = CommandResolver.Resolve("python", [".venv/bin"], _temp.Path, null, CommandLookupRules.ForWindows(".EXE"));

        Assert.Equal(python, result.Path);
        Assert.Equal([_temp.Combine(".venv", "bin", "python.exe"), python], result.Searched);
    }

    [Fact]
    public void Resolve_WindowsPath_IsSplitOnSemicolons()
    {
        var node = _temp.Write("b/node.exe", "MZ");
        var pathEnv = $"{_temp.Combine("a")};{_temp.Combine("b")}";

        var result = CommandResolver.Resolve("node", [], _temp.Path, pathEnv, CommandLookupRules.ForWindows(".EXE"));

        Assert.Equal(node, result.Path);
        Assert.Equal([_temp.Combine("a", "node.exe"), node], result.Searched);
    }

    [Fact]
    public void Resolve_PosixRules_DoNotLookInScripts()
    {
        _temp.WriteExecutable(".venv/Scripts/python");

        var result = CommandResolver.Resolve("python", [".venv/bin"], _temp.Path, null, CommandLookupRules.Posix);

        Assert.False(result.Found);
        Assert.Equal([_temp.Combine(".venv", "bin", "python")], result.Searched);
    }

    [Fact]
    public void ForWindows_WithoutPathExt_UsesCmdDefaults()
    {
        Assert.Equal([".com", ".exe", ".bat", ".cmd"], CommandLookupRules.ForWindows("  ").Extensions);
        Assert.Equal([".exe", ".py"], CommandLookupRules.ForWindows(".EXE;;.py;.exe;nodot").Extensions);
    }
}
