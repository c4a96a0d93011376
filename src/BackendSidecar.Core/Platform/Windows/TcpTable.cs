using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>GetExtendedTcpTable with TCP_TABLE_OWNER_PID_LISTENER (iphlpapi.h, tcpmib.h): the listening sockets and their
/// owners' PIDs, IPv4 and IPv6.</summary>
[SupportedOSPlatform("windows")]
internal static unsafe partial class TcpTable
{
    private const int AF_INET = 2, AF_INET6 = 23;
    private const int TCP_TABLE_OWNER_PID_LISTENER = 3;
    private const uint NO_ERROR = 0, ERROR_INSUFFICIENT_BUFFER = 122;

    /// <summary>MIB_TCPROW_OWNER_PID: state, local address, local port, remote address, remote port, pid (6 DWORDs).</summary>
    private const int RowSize4 = 24;

    /// <summary>MIB_TCP6ROW_OWNER_PID: local address (16), scope, port, remote address (16), scope, port, state, pid.</summary>
    private const int RowSize6 = 56;

    [LibraryImport("iphlpapi.dll")]
    private static partial uint GetExtendedTcpTable(void* pTcpTable, ref uint pdwSize, [MarshalAs(UnmanagedType.Bool)] bool bOrder,
        int ulAf, int tableClass, uint reserved);

    /// <summary>The PID of the first listener on <paramref name="port"/>: 0 when the socket's owner is hidden (System),
    /// null when nothing listens.</summary>
    public static int? FindListenerPid(int port) => Find(AF_INET, port) ?? Find(AF_INET6, port);

    private static int? Find(int family, int port)
    {
        uint size = 0;
        var result = GetExtendedTcpTable(null, ref size, false, family, TCP_TABLE_OWNER_PID_LISTENER, 0);
        // The table can grow between the two calls: ask again a few times with the size it says.
        for (var attempt = 0; attempt < 4 && result == ERROR_INSUFFICIENT_BUFFER; attempt++)
        {
            var buffer = new byte[size];
            fixed (byte* p = buffer)
            {
                result = GetExtendedTcpTable(p, ref size, false, family, TCP_TABLE_OWNER_PID_LISTENER, 0);
                if (result == NO_ERROR) return Parse(buffer, family == AF_INET6, port);
            }
        }
        return null;
    }

    /// <summary>Reads a table (a DWORD count, then rows); ports are in network byte order in the low 16 bits.</summary>
    internal static int? Parse(ReadOnlySpan<byte> table, bool ipv6, int port)
    {
        if (table.Length < 4) return null;
        var count = BinaryPrimitives.ReadUInt32LittleEndian(table);
        var rowSize = ipv6 ? RowSize6 : RowSize4;
        var (portOffset, pidOffset) = ipv6 ? (20, 52) : (8, 20);
        for (var i = 0; i < count; i++)
        {
            var start = 4 + i * rowSize;
            if (start + rowSize > table.Length) break;
            var row = table.Slice(start, rowSize);
            var rowPort = BinaryPrimitives.ReadUInt16BigEndian(row.Slice(portOffset, 2));
            if (rowPort == port) return (int)BinaryPrimitives.ReadUInt32LittleEndian(row.Slice(pidOffset, 4));
        }
        return null;
    }
}
