using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Tests.Logging;

public class SecretMaskerTests
{
    [Fact]
    public void Mask_NoSecrets_ReturnsTheSameString()
    {
        var text = "nothing to hide";

        Assert.Same(text, SecretMasker.None.Mask(text));
        Assert.Same(text, new SecretMasker(["", ""]).Mask(text));
        Assert.True(new SecretMasker([""]).IsEmpty);
    }

    [Fact]
    public void Mask_NoOccurrence_ReturnsTheSameString()
    {
        var text = "nothing to hide";

        Assert.Same(text, new SecretMasker(["s3cr3t"]).Mask(text));
    }

    [Fact]
    public void Mask_EveryOccurrence_Replaced()
    {
        var masker = new SecretMasker(["s3cr3t", "tok-123"]);

        Assert.Equal("key=*** again *** and ***.", masker.Mask("key=s3cr3t again s3cr3t and tok-123."));
    }

    [Fact]
    public void Mask_SecretInsideAnother_LongestWinsAndNoFragmentShows()
    {
        var masker = new SecretMasker(["abc", "xxabcxx"]);

        Assert.Equal("[***] [***]", masker.Mask("[xxabcxx] [abc]"));
    }

    [Fact]
    public void Mask_OverlappingSecrets_OneMaskCoversBoth()
    {
        var masker = new SecretMasker(["abcd", "cdef"]);

        Assert.Equal("<***>", masker.Mask("<abcdef>"));
    }

    [Fact]
    public void Mask_RepeatedOverlappingOccurrences_AllCovered()
    {
        Assert.Equal("x***x", new SecretMasker(["aa"]).Mask("xaaaaax"));
    }

    [Fact]
    public void Mask_SingleCharacterSecret_MaskedToo()
    {
        Assert.Equal("***b***", new SecretMasker(["a"]).Mask("aaba"));
    }

    [Fact]
    public void Mask_MultiLineSecret_EachLineMaskedOnItsOwn()
    {
        var masker = new SecretMasker(["-----BEGIN KEY-----\r\nMIIBOgIBAAJBAK\n-----END KEY-----"]);

        Assert.Equal("***", masker.Mask("MIIBOgIBAAJBAK"));
        Assert.Equal("key: ***", masker.Mask("key: -----BEGIN KEY-----"));
    }

    [Fact]
    public void Mask_IsCaseSensitive()
    {
        Assert.Equal("SECRET ***", new SecretMasker(["secret"]).Mask("SECRET secret"));
    }
}

public class SecretMaskerSafeCutTests
{
    [Theory]
    [InlineData("nothing to hold", 15)]
    [InlineData("ends with hunt", 10)]
    [InlineData("ends with h", 10)]
    [InlineData("whole hunter2", 13)]
    [InlineData("hunter2hunt", 7)]
    public void SafeCut_HoldsBackATailThatMayStartASecret(string text, int expected)
    {
        Assert.Equal(expected, new SecretMasker(["hunter2"]).SafeCut(text));
    }

    [Fact]
    public void SafeCut_TailStartsInsideAnOccurrenceOfAnotherSecret_CutBeforeThatOccurrence()
    {
        // "abc" is whole in the text, but "c" may begin "cde": cutting at "c" would show "ab".
        Assert.Equal(2, new SecretMasker(["abc", "cde"]).SafeCut("xxabc"));
    }

    [Fact]
    public void SafeCut_ThePieceIsOneChainOfOccurrences_TakesItAll()
    {
        Assert.Equal(6, new SecretMasker(["aa"]).SafeCut("aaaaaa"));
    }
}
