using System.Runtime.InteropServices;
using System.Text;

namespace BackendSidecar.Core.Processes.Interop;

/// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings in native memory (argv, envp), freed on dispose.</summary>
internal sealed unsafe class NativeStringArray : IDisposable
{
    private readonly byte** _array;
    private readonly int _count;

    public NativeStringArray(IReadOnlyList<string> values)
    {
        _count = values.Count;
        _array = (byte**)NativeMemory.AllocZeroed((nuint)(_count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < _count; i++) _array[i] = AllocUtf8(values[i]);
    }

    public byte** Pointer => _array;

    /// <summary>Copies <paramref name="value"/> as a NUL-terminated UTF-8 string; free with <see cref="NativeMemory.Free"/>.</summary>
    public static byte* AllocUtf8(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var bytes = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(bytes, length));
        bytes[length] = 0;
        return bytes;
    }

    public void Dispose()
    {
        for (var i = 0; i < _count; i++) NativeMemory.Free(_array[i]);
        NativeMemory.Free(_array);
    }
}
