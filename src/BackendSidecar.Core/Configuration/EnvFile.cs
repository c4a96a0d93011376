using System.Text;
using BackendSidecar.Core.Configuration.Schema;

namespace BackendSidecar.Core.Configuration;

/// <summary>
/// Reads dotenv files (<c>envFile</c>): <c>KEY=VALUE</c> lines with an optional <c>export </c> prefix, blank lines and
/// <c>#</c> comments. Single-quoted values are literal; double-quoted values understand <c>\n \r \t \" \\</c> (any other
/// backslash is kept as written); both may span lines. An unquoted value ends at a <c>#</c> that follows whitespace and is
/// trimmed. Values are never expanded. A later duplicate key wins.
/// </summary>
/// <remarks>
/// Errors name <c>file:line</c> and never echo a value: env files hold secrets. Stateless and thread-safe.
/// </remarks>
public static class EnvFile
{
    /// <summary>Reads and parses the dotenv file at <paramref name="path"/>; called at each spawn so edits apply on restart.</summary>
    /// <param name="path">The file (absolute, as in <see cref="BackendOptions.EnvFile"/>).</param>
    /// <param name="configPath">Reported as <see cref="ConfigException.Path"/>, e.g. <c>$.backends.api.envFile</c>.</param>
    /// <exception cref="ConfigException">The file cannot be read, or a line is malformed (the message says <c>file:line</c>).</exception>
    public static IReadOnlyDictionary<string, string> Read(string path, string? configPath = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException(configPath ?? JsonPath.Root, "env file not found", path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigException(configPath ?? JsonPath.Root, "env file: permission denied", path);
        }
        catch (IOException e)
        {
            throw new ConfigException(configPath ?? JsonPath.Root, $"cannot read the env file: {e.Message}", path);
        }
        return Parse(text, path, configPath);
    }

    /// <summary>Parses dotenv text.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="fileName">Named in error messages.</param>
    /// <param name="configPath">Reported as <see cref="ConfigException.Path"/>.</param>
    /// <exception cref="ConfigException">A malformed line.</exception>
    public static IReadOnlyDictionary<string, string> Parse(string text, string? fileName = null, string? configPath = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Parser(text.Replace("\r\n", "\n", StringComparison.Ordinal), fileName ?? "env file", configPath ?? JsonPath.Root).Run();
    }

    private sealed class Parser(string text, string file, string configPath)
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private int _pos;
        private int _line = 1;

        public Dictionary<string, string> Run()
        {
            while (_pos < text.Length)
            {
                SkipBlanks();
                if (AtEndOfLine()) { NextLine(); continue; }
                if (text[_pos] == '#') { SkipToEndOfLine(); NextLine(); continue; }
                ReadEntry();
                NextLine();
            }
            return _values;
        }

        private void ReadEntry()
        {
            var entryLine = _line;
            if (string.CompareOrdinal(text, _pos, "export", 0, 6) == 0 && _pos + 6 < text.Length && text[_pos + 6] is ' ' or '\t')
            {
                _pos += 6;
                SkipBlanks();
            }

            var keyStart = _pos;
            while (!AtEndOfLine() && text[_pos] != '=') _pos++;
            if (AtEndOfLine()) throw Error(entryLine, "expected KEY=VALUE");
            var key = text[keyStart.._pos].TrimEnd(' ', '\t');
            if (!IsValidKey(key)) throw Error(entryLine, $"invalid variable name {JsonText.Quote(key)}");
            _pos++; // '='

            var hadBlank = SkipBlanks();
            _values[key] = _pos >= text.Length ? ""
                : text[_pos] == '\'' ? ReadSingleQuoted(entryLine)
                : text[_pos] == '"' ? ReadDoubleQuoted(entryLine)
                : ReadUnquoted(hadBlank);
        }

        private string ReadUnquoted(bool hadBlank)
        {
            var start = _pos;
            if (hadBlank && _pos < text.Length && text[_pos] == '#') { SkipToEndOfLine(); return ""; }
            while (!AtEndOfLine())
            {
                // "a#b" is a value; "a #b" is a value and a comment.
                if (text[_pos] == '#' && text[_pos - 1] is ' ' or '\t') break;
                _pos++;
            }
            var value = text[start.._pos].TrimEnd(' ', '\t');
            SkipToEndOfLine();
            return value;
        }

        private string ReadSingleQuoted(int entryLine)
        {
            _pos++;
            var close = text.IndexOf('\'', _pos);
            if (close < 0) throw Error(entryLine, "unterminated single-quoted value");
            var value = text[_pos..close];
            _line += value.Count(c => c == '\n');
            _pos = close + 1;
            AfterClosingQuote();
            return value;
        }

        private string ReadDoubleQuoted(int entryLine)
        {
            _pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length) throw Error(entryLine, "unterminated double-quoted value");
                var c = text[_pos++];
                if (c == '"') break;
                if (c == '\n') _line++;
                if (c != '\\' || _pos >= text.Length) { sb.Append(c); continue; }
                var escaped = text[_pos++];
                switch (escaped)
                {
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    default:
                        sb.Append('\\').Append(escaped);
                        if (escaped == '\n') _line++;
                        break;
                }
            }
            AfterClosingQuote();
            return sb.ToString();
        }

        private void AfterClosingQuote()
        {
            SkipBlanks();
            if (AtEndOfLine()) return;
            if (text[_pos] == '#') { SkipToEndOfLine(); return; }
            throw Error(_line, "unexpected text after the closing quote");
        }

        private static bool IsValidKey(string key) =>
            key.Length > 0
            && (char.IsAsciiLetter(key[0]) || key[0] == '_')
            && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

        private bool SkipBlanks()
        {
            var start = _pos;
            while (_pos < text.Length && text[_pos] is ' ' or '\t') _pos++;
            return _pos > start;
        }

        private bool AtEndOfLine() => _pos >= text.Length || text[_pos] == '\n';

        private void SkipToEndOfLine()
        {
            while (!AtEndOfLine()) _pos++;
        }

        private void NextLine()
        {
            if (_pos < text.Length && text[_pos] == '\n')
            {
                _pos++;
                _line++;
            }
        }

        private ConfigException Error(int line, string problem) => new(configPath, problem, file, line, column: null);
    }
}
