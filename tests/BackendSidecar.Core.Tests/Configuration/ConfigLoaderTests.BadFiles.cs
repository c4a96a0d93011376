using System.Diagnostics;
using System.Text;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Testing;
using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>Files that are not text or not files at all: one line naming the file and the place, never a crash or a hang.</summary>
public sealed partial class ConfigLoaderTests
{
    private const string ValidApi = "\"command\": \"python3\"";

    [Fact]
    public void Load_InvalidUtf8InAValue_NamesTheFileLineAndColumn()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("backends.json");
        var text = "{\"backends\": {\"api\": {\n  \"command\": \"py\xFFthon\"}}}";
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(text));

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, getEnv: NoEnv));

        AssertOneLine(e);
        Assert.StartsWith($"{path}:2:17: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LoneSurrogateEscapeInAKey_NamesTheObjectHoldingIt()
    {
        using var temp = new TempFolder();
        var path = temp.Write("backends.json", "{\"backends\": {\"api\": {" + ValidApi + ", \"env\": {\"\\ud800\": \"x\"}}}}");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, getEnv: NoEnv));

        AssertOneLine(e);
        Assert.Equal("$.backends.api.env", e.Path);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LoneSurrogateEscapeInAValue_IsAConfigException()
    {
        var e = Fails("{\"backends\": {\"api\": {\"command\": \"py\\udc00\"}}}");

        Assert.Equal("$.backends.api.command", e.Path);
    }

    [Fact]
    public void Load_CharacterDevice_RefusedWithoutReadingIt()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load("/dev/zero", getEnv: NoEnv));

        AssertOneLine(e);
        Assert.Equal("/dev/zero: is not a regular file", e.Message);
    }

    [Fact]
    public async Task Load_Fifo_RefusedWithoutWaitingForAWriter()
    {
        using var temp = new TempFolder();
        var fifo = temp.Combine("backends.json");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync();

        var load = Task.Run(() => ConfigLoader.Load(fifo, getEnv: NoEnv));
        var finished = await Task.WhenAny(load, Task.Delay(TestTimeouts.Unexpected));
        if (finished != load)
        {
            // Unblock the reader so the test run does not keep a thread hanging in open(2).
            await File.WriteAllTextAsync(fifo, "{}");
            Assert.Fail("loading a FIFO waited for a writer");
        }

        var e = await Assert.ThrowsAsync<ConfigException>(() => load);
        Assert.Equal($"{fifo}: is not a regular file", e.Message);
    }

    [Fact]
    public void Load_FileLargerThanTheCap_RefusedNamingTheLimit()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("backends.json");
        using (var file = File.Create(path)) file.SetLength(ConfigLoader.MaxFileBytes + 1);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, getEnv: NoEnv));

        AssertOneLine(e);
        Assert.Equal($"{path}: is larger than 1 MiB ({ConfigLoader.MaxFileBytes + 1} bytes); a configuration is a few KB", e.Message);
    }

    [Fact]
    public void Load_SymlinkToARegularFile_IsRead()
    {
        using var temp = new TempFolder();
        var target = temp.Write("real.json", Api(ValidApi));
        var link = temp.Combine("backends.json");
        File.CreateSymbolicLink(link, target);

        Assert.Single(ConfigLoader.Load(link, getEnv: NoEnv).Backends);
    }
}
