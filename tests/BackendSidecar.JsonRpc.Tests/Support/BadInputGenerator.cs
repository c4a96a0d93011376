using System.Text;

namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>
/// Generates hostile inputs from a seeded <see cref="Random"/>: random bytes, truncated and mutated valid
/// messages, wrong types for every envelope field, deep nesting, huge numbers, odd text, batches.
/// </summary>
public sealed class BadInputGenerator(int seed)
{
    private static readonly string[] Methods = ["ping", "echo", "raw", "fail", "rpcFail", "nothing", "nope", "$/cancelRequest", "$/x", "log", "boom", "note", ""];

    private readonly Random _random = new(seed);

    public byte[] Next() => _random.Next(10) switch
    {
        0 => RandomBytes(_random.Next(0, 300)),
        1 => Truncate(Encoding.UTF8.GetBytes(ValidMessage())),
        2 => Mutate(Encoding.UTF8.GetBytes(ValidMessage())),
        3 => Encoding.UTF8.GetBytes(Deep()),
        4 => Encoding.UTF8.GetBytes(Batch(2)),
        5 => Mutate(Encoding.UTF8.GetBytes(Batch(2))),
        _ => Encoding.UTF8.GetBytes(WrongTypes()),
    };

    /// <summary>Header-framing input: random header lines, Content-Length values and bodies.</summary>
    public byte[] NextHeaderStream()
    {
        var text = new StringBuilder();
        var frames = _random.Next(1, 4);
        for (var f = 0; f < frames; f++)
        {
            var body = _random.Next(3) == 0 ? RandomBytes(_random.Next(0, 50)) : Next();
            var length = _random.Next(6) switch
            {
                0 => "-" + _random.Next(1, 100),
                1 => new string('9', _random.Next(10, 40)),
                2 => Pick(["", " ", "abc", "1.5", "0x10", "1e3", "+1"]),
                3 => (body.Length + _random.Next(-5, 6)).ToString(),
                _ => body.Length.ToString(),
            };
            var name = Pick(["Content-Length", "content-length", "CONTENT-LENGTH", "Content-Lenght", "Content-Type", ""]);
            if (_random.Next(4) == 0)
            {
                text.Append(Pick(["Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n", "X: y\r\n", "no colon\r\n", ": empty name\r\n"]));
            }

            text.Append(name).Append(Pick([": ", ":", " : "])).Append(length).Append(Pick(["\r\n\r\n", "\n\n", "\r\n", "\r\n\r\n\r\n"]));
            text.Append(Encoding.Latin1.GetString(body));
        }

        return Encoding.Latin1.GetBytes(text.ToString());
    }

    private string ValidMessage() => _random.Next(3) switch
    {
        0 => $"{{\"jsonrpc\":\"2.0\",\"id\":{_random.Next(1000)},\"method\":\"{Pick(Methods)}\",\"params\":{{\"backend\":\"api\",\"count\":{_random.Next()}}}}}",
        1 => $"{{\"jsonrpc\":\"2.0\",\"method\":\"{Pick(Methods)}\",\"params\":[1,2,3]}}",
        _ => $"{{\"jsonrpc\":\"2.0\",\"id\":\"r{_random.Next(1000)}\",\"method\":\"raw\",\"params\":{{\"text\":\"{Text()}\"}}}}",
    };

    private string WrongTypes()
    {
        var members = new List<string>();
        AddMaybe(members, "jsonrpc", ["\"2.0\"", "\"2.0\"", "\"1.0\"", "2.0", "2", "null", "true", "[]", "{}", "\"2.0 \""]);
        AddMaybe(members, "id", ["1", "\"x\"", "null", "true", "{}", "[]", "1.5", "-0", "1e400", new string('7', 400), "\"\\ud800\"", "\"" + Text() + "\""]);
        AddMaybe(members, "method", [.. Methods.Select(m => $"\"{m}\""), "5", "null", "[]", "{}", "\"\\u0000\""]);
        AddMaybe(members, "params", ["{}", "[]", "null", "1", "\"s\"", "true", Value(3), "{\"backend\":" + Value(2) + "}", "{\"id\":" + Value(1) + "}"]);
        if (_random.Next(5) == 0)
        {
            AddMaybe(members, "result", ["null", Value(2)]);
        }

        if (_random.Next(5) == 0)
        {
            AddMaybe(members, "error", ["{\"code\":1,\"message\":\"m\"}", "{}", "null", Value(2)]);
        }

        Shuffle(members);
        return "{" + string.Join(",", members) + "}";
    }

    private string Batch(int depth)
    {
        var count = _random.Next(0, 8);
        var entries = Enumerable.Range(0, count).Select(_ => _random.Next(depth <= 0 ? 2 : 4) switch
        {
            0 => ValidMessage(),
            1 => Value(2),
            2 => Batch(depth - 1),
            _ => WrongTypes(),
        });
        return "[" + string.Join(",", entries) + "]";
    }

    private string Deep()
    {
        var depth = _random.Next(1, 5000);
        var open = _random.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        var closeCount = _random.Next(2) == 0 ? depth : _random.Next(depth);
        return $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"raw\",\"params\":[{string.Concat(Enumerable.Repeat(open, depth))}1{string.Concat(Enumerable.Repeat(close, closeCount))}]}}";
    }

    private string Value(int depth)
    {
        var choice = _random.Next(depth <= 0 ? 6 : 8);
        return choice switch
        {
            0 => "null",
            1 => _random.Next(2) == 0 ? "true" : "false",
            2 => Pick(["0", "-1", "1.5e308", "1e999999", new string('9', 500), "-0.0", "123456789012345678901234567890"]),
            3 => "\"" + Text() + "\"",
            4 => "\"\"",
            5 => _random.Next(int.MinValue, int.MaxValue).ToString(),
            6 => "[" + string.Join(",", Enumerable.Range(0, _random.Next(4)).Select(_ => Value(depth - 1))) + "]",
            _ => "{" + string.Join(",", Enumerable.Range(0, _random.Next(4)).Select(i => $"\"k{i}\":{Value(depth - 1)}")) + "}",
        };
    }

    private string Text()
    {
        var pieces = new[] { "a", "é", "\\n", "\\\"", "\\u0000", "\\ud83d\\ude00", "\\ud800", "\\udfff", "日本", "\\t", "\\/", "😀" };
        var count = _random.Next(0, _random.Next(10) == 0 ? 3000 : 10);
        return string.Concat(Enumerable.Range(0, count).Select(_ => Pick(pieces)));
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] Truncate(byte[] bytes) => bytes[..(bytes.Length == 0 ? 0 : _random.Next(bytes.Length))];

    private byte[] Mutate(byte[] bytes)
    {
        var list = bytes.ToList();
        var mutations = _random.Next(1, 6);
        for (var i = 0; i < mutations && list.Count > 0; i++)
        {
            var at = _random.Next(list.Count);
            var b = (byte)Pick<int>([_random.Next(256), '"', '{', '}', '[', ']', ',', ':', '\\', '0', 'e', '-', '\n', '\r']);
            switch (_random.Next(3))
            {
                case 0: list[at] = b; break;
                case 1: list.Insert(at, b); break;
                default: list.RemoveAt(at); break;
            }
        }

        return [.. list];
    }

    private void AddMaybe(List<string> members, string name, string[] values)
    {
        if (_random.Next(6) != 0)
        {
            members.Add($"\"{name}\":{Pick(values)}");
        }
    }

    private void Shuffle(List<string> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
