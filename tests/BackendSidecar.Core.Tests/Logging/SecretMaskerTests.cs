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
