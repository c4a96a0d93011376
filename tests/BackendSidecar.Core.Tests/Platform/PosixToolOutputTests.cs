using BackendSidecar.Core.Platform.Posix;
using BackendSidecar.Core.Platform.Posix.MacOS;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Tests.Platform;

/// <summary>What ps and lsof print, in the formats macOS and procps print (the macOS samples are written from the
/// documented formats; no Mac ran here), parsed without running them.</summary>
public sealed class PosixToolOutputTests
{
    [Theory]
    [InlineData("Tue Dec  1 18:00:04 2026\n")] // macOS and procps, day padded with a space
    [InlineData("  Tue Dec  1 18:00:04 2026")]
    [InlineData("Tue Dec 1 18:00:04 2026")]
    public void StartTime_LstartLine_IsSecondsOfThatWallClockTime(string lstart) =>
        Assert.Equal((ulong)new DateTimeOffset(2026, 12, 1, 18, 0, 4, TimeSpan.Zero).ToUnixTimeSeconds(), ToolOutput.ParseStartTime(lstart));

    [Fact]
    public void StartTime_TwoDigitDay_Parses() =>
        Assert.Equal((ulong)new DateTimeOffset(2026, 11, 30, 9, 5, 59, TimeSpan.Zero).ToUnixTimeSeconds(),
            ToolOutput.ParseStartTime("Mon Nov 30 09:05:59 2026\n"));

    [Theory]
    [InlineData("")] // ps -p of a PID that is gone prints nothing (and exits 1)
    [InlineData(null)] // ps missing, or timed out
    [InlineData("LSTART\nTue Dec  1 18:00:04 2026")] // a header would mean the = was lost: refuse rather than guess
    [InlineData("Tue Foo  1 18:00:04 2026")]
    public void StartTime_NoProcessOrGarbage_IsNull(string? lstart) => Assert.Null(ToolOutput.ParseStartTime(lstart));

    [Theory]
    [InlineData("/Library/Frameworks/Python.framework/Versions/3.12/Resources/Python.app/Contents/MacOS/Python\n", "Python")] // macOS: the path
    [InlineData("test-backend\n", "test-backend")] // procps: the short name
    [InlineData("", null)]
    public void Name_CommLine_IsTheFileName(string comm, string? expected) => Assert.Equal(expected, ToolOutput.ParseName(comm));

    [Fact]
    public void Listener_MacOSOutputWithFileLines_IsThePidAndCommand()
    {
        // `lsof -nP -iTCP:8000 -sTCP:LISTEN -Fpc` as lsof(8) documents its field output (written from the format, not
        // captured on a Mac): the f lines come with every file set.
        const string output = "p4711\ncPython\nf5\n";
        Assert.Equal((4711, "Python"), ToolOutput.ParseListener(output));
    }

    [Fact]
    public void Listener_ServerAndForkedWorkers_IsTheLowestPid()
    {
        const string output = "p5120\ncuvicorn\nf3\np5102\ncuvicorn\nf3\nf4\np5133\ncuvicorn\nf3\n";
        Assert.Equal((5102, "uvicorn"), ToolOutput.ParseListener(output));
    }

    [Theory]
    [InlineData("")] // lsof exits 1 with no output when nothing listens
    [InlineData(null)] // lsof missing, or refused by a sandbox
    [InlineData("cPython\nf5\n")] // no p line
    public void Listener_NothingUsable_IsNull(string? output) => Assert.Null(ToolOutput.ParseListener(output));

    [Fact]
    public void Listener_CrLfLines_Parse() => Assert.Equal((42, "node"), ToolOutput.ParseListener("p42\r\ncnode\r\n"));

    [Theory]
    [InlineData(Signals.SIGTERM, 15)]
    [InlineData(Signals.SIGKILL, 9)]
    [InlineData(Signals.SIGINT, 2)]
    [InlineData(Signals.SIGHUP, 1)]
    [InlineData(Signals.SIGUSR1, 30)] // 10 is SIGBUS on macOS
    [InlineData(Signals.SIGUSR2, 31)]
    [InlineData(Signals.SIGCONT, 19)]
    [InlineData(Signals.SIGSTOP, 17)]
    public void MacSignals_LinuxNumber_IsRenumbered(int linux, int mac)
    {
        Assert.Equal(mac, MacOSValues.ToMac(linux));
        Assert.Equal(linux, MacOSValues.FromMac(mac));
    }

    [Fact]
    public void MacSignals_SignalMacOSLacks_BecomesSigterm() => Assert.Equal(15, MacOSValues.ToMac(16)); // SIGSTKFLT

    [Fact]
    public void WaitStatus_SignalAndCode_AreDecoded()
    {
        Assert.Equal(3, WaitpidThread.Decode(3 << 8, DateTimeOffset.UnixEpoch).Code);
        Assert.Equal(Signals.SIGKILL, WaitpidThread.Decode(9, DateTimeOffset.UnixEpoch).Signal);
    }

    [Fact]
    public void GroupUsage_ProcpsLines_AreSummedForTheGroup()
    {
        const string output = "    1  12000 00:00:03\n  500  20480 00:01:02\n  500   1024 1-00:00:01\n  501   4096 00:00:09\n";
        var usage = ToolOutput.ParseGroupUsage(output, 500);
        Assert.Equal((TimeSpan.FromSeconds(62 + 86401), 21504L * 1024, 2), usage);
    }

    [Fact]
    public void GroupUsage_MacOSLines_AreSummedForTheGroup()
    {
        // `ps -A -o pgid=,rss=,time=` in the format macOS's ps(1) prints (written from it, not captured on a Mac): M:SS.cc.
        const string output = "  812  53248   0:01.25\n  812  10240 1:02:03.50\n";
        var usage = ToolOutput.ParseGroupUsage(output, 812);
        Assert.Equal((TimeSpan.FromSeconds(1.25 + 3723.5), 63488L * 1024, 2), usage);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  500  20480 garbage\n")]
    public void GroupUsage_NothingOfTheGroup_IsNull(string? output) => Assert.Null(ToolOutput.ParseGroupUsage(output, 500));
}
