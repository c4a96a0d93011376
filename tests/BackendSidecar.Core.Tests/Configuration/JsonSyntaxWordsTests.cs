using System.Text;
using System.Text.Json;
using BackendSidecar.Core.Configuration.Schema;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>JSON syntax errors in words, from the position System.Text.Json stops at.</summary>
public sealed class JsonSyntaxWordsTests
{
    private static string Describe(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        try
        {
            using var document = JsonDocument.Parse(utf8);
        }
        catch (JsonException e)
        {
            return JsonSyntaxWords.Describe(utf8, e.LineNumber!.Value, e.BytePositionInLine!.Value, "FALLBACK");
        }
        throw new InvalidOperationException("the text parsed");
    }

    [Theory]
    [InlineData("{\"a\": 1,\n}", "a comma before `}` is not allowed")]
    [InlineData("[1, 2,]", "a comma before `]` is not allowed")]
    [InlineData("{\"a\": 1 \"b\": 2}", "a comma is missing before `\"b\"`")]
    [InlineData("[1 2]", "a comma is missing before `2`")]
    [InlineData("{\"a\": {} \"b\": 2}", "a comma is missing before `\"b\"`")]
    [InlineData("{\"a\": \"abc\n}", "the string that starts at 1:7 is not closed before the end of the line (a missing `\"`)")]
    [InlineData("{\"a\": \"abc", "the string that starts at 1:7 is not closed (a missing `\"`)")]
    [InlineData("{\"a\": \"\\x\"}", "`\\x` is not a valid escape in a string (write `\\\\` for a backslash)")]
    [InlineData("{\"a\": \"\t\"}", "a control character (e.g. a tab) inside a string must be written as an escape such as \\t")]
    [InlineData("{\"a\": 1", "the text ends before the JSON is complete (a missing `}` or `]`?)")]
    [InlineData("{\"a\": [1, 2", "the text ends before the JSON is complete (a missing `}` or `]`?)")]
    [InlineData("{\n  // note\n  \"a\": 1}", "comments are not allowed in JSON (remove the `//` comment)")]
    [InlineData("{\"a\": 1 /* note */}", "comments are not allowed in JSON (remove the `/*` comment)")]
    [InlineData("", "the file is empty (a configuration is an object: {\"backends\": {...}})")]
    [InlineData("{'a': 1}", "strings and names must be in double quotes (\"), not single quotes")]
    [InlineData("{a: 1}", "a property name must be in double quotes: `\"a\"`")]
    [InlineData("{\"a\": 1,, \"b\": 2}", "a comma with nothing before it is not allowed")]
    [InlineData("{\"a\": 1}}", "`}` after the end of the JSON is not allowed (one object per file)")]
    [InlineData("{\"a\": 1} x", "`x` after the end of the JSON is not allowed (one object per file)")]
    [InlineData("{\"a\": 1 ]", "unexpected `]`")]
    [InlineData("{\"a\": tru}", "`tru` is not a JSON value (text needs double quotes; the literals are true, false and null)")]
    [InlineData("{\"a\": yes}", "`yes` is not a JSON value (text needs double quotes; the literals are true, false and null)")]
    public void CommonMistakes_AreSaidInWords(string text, string expected) =>
        Assert.Equal(expected, Describe(text));
}
