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
                if (result == NO_ERROR) return TcpListenerRows.FindPid(buffer, family == AF_INET6, port);
            }
        }
        return null;
    }
}
