using BackendSidecar.Core.Insights;

namespace BackendSidecar.Core.Tests.Insights;

public sealed class ProgressPatternTests
{
    private static ProgressPattern Create(string pattern)
    {
        Assert.True(ProgressPattern.TryCreate(pattern, out var result, out var problem), problem);
        return result!;
    }

    [Theory]
    [InlineData("Loading 45%", 45.0)]
    [InlineData("INFO: Loading 7.5% of shards", 7.5)]
    [InlineData("Loading 100%", 100.0)]
    [InlineData("Loading 250%", 100.0)]
    public void Match_PercentGroup_ReadsTheNumber(string line, double expected)
    {
        var reading = Create(@"Loading (?<percent>\d+(?:\.\d+)?)%").Match(line);

        Assert.Equal(new ProgressReading(expected, null), reading);
    }

    [Fact]
    public void Match_MessageGroup_ReadsTheTrimmedText()
    {
        var reading = Create("(?<message>Loading model .*)").Match("Loading model llama-3-8b.gguf   ");

        Assert.Equal(new ProgressReading(null, "Loading model llama-3-8b.gguf"), reading);
    }

    [Fact]
    public void Match_BothGroups_ReadsBoth()
    {
        var reading = Create(@"(?<message>Loading shard \d+/\d+) \((?<percent>\d+)%\)").Match("Loading shard 2/8 (25%)");

        Assert.Equal(new ProgressReading(25, "Loading shard 2/8"), reading);
    }

    [Theory]
    [InlineData("INFO: Application startup complete.")]
    [InlineData("Loading abc%")]
    [InlineData("")]
    public void Match_LineWithoutProgress_IsNull(string line)
    {
        Assert.Null(Create(@"Loading (?<percent>\w+)%").Match(line));
    }

    [Fact]
    public void Match_OptionalGroupThatDidNotTakePart_IsNullInTheReading()
    {
        var pattern = Create(@"(?<message>Loading[^\d]*)(?:(?<percent>\d+)%)?");

        Assert.Equal(new ProgressReading(null, "Loading weights"), pattern.Match("Loading weights"));
        Assert.Equal(new ProgressReading(30, "Loading weights"), pattern.Match("Loading weights 30%"));
    }

    [Fact]
    public void Match_CatastrophicBacktracking_TimesOutAsNoMatch()
    {
        var reading = Create("(?<message>(a+)+)b").Match(new string('a', 40_000) + "c");

        Assert.Null(reading);
    }

    [Theory]
    [InlineData(@"Loading (\d+)%", "needs a named group (?<percent>...) or (?<message>...)")]
    [InlineData(@"Loading (?<pct>\d+)%", "needs a named group (?<percent>...) or (?<message>...)")]
    [InlineData(@"Loading (?<percent>\d+%", "is not a valid regular expression")]
    public void TryCreate_UnusablePattern_SaysWhy(string pattern, string expected)
    {
        Assert.False(ProgressPattern.TryCreate(pattern, out var result, out var problem));
        Assert.Null(result);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(40.0, "Loading 40%", "40% (Loading 40%)")]
    [InlineData(12.5, null, "12.5%")]
    [InlineData(null, "Loading tokenizer", "Loading tokenizer")]
    public void ReadingToString_NamesWhatWasSeen(double? percent, string? message, string expected)
    {
        Assert.Equal(expected, new ProgressReading(percent, message).ToString());
    }
}
