using System.Buffers.Binary;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>Reads the table GetExtendedTcpTable fills (tcpmib.h): pure, so tested on any OS.</summary>
public static class TcpListenerRows
{
    /// <summary>MIB_TCPROW_OWNER_PID: state, local address, local port, remote address, remote port, pid (6 DWORDs).</summary>
    private const int RowSize4 = 24;

    /// <summary>MIB_TCP6ROW_OWNER_PID: local address (16), scope, port, remote address (16), scope, port, state, pid.</summary>
    private const int RowSize6 = 56;

    /// <summary>The owner PID of the first row on <paramref name="port"/>, null when none. Reads a table (a DWORD count, then rows); ports are in network byte order in the low 16 bits.</summary>
    public static int? FindPid(ReadOnlySpan<byte> table, bool ipv6, int port)
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
