using System.Buffers.Binary;
using BackendSidecar.Core.Platform.Windows;

namespace BackendSidecar.Core.Tests.Platform.Windows;

/// <summary>Tables laid out as GetExtendedTcpTable fills them (tcpmib.h), built by hand.</summary>
public sealed class TcpListenerRowsTests
{
    [Fact]
    public void FindPid_Ipv4_ReadsThePortInNetworkOrder()
    {
        var table = Table(24, (8, 20, 8000, 111), (8, 20, 5432, 222));

        Assert.Equal(222, TcpListenerRows.FindPid(table, ipv6: false, 5432));
        Assert.Equal(111, TcpListenerRows.FindPid(table, ipv6: false, 8000));
        Assert.Null(TcpListenerRows.FindPid(table, ipv6: false, 80));
    }

    [Fact]
    public void FindPid_Ipv6_UsesItsWiderRows()
    {
        var table = Table(56, (20, 52, 8765, 4242));

        Assert.Equal(4242, TcpListenerRows.FindPid(table, ipv6: true, 8765));
    }

    [Fact]
    public void FindPid_ShortTable_IsNotReadPastItsEnd()
    {
        var table = Table(24, (8, 20, 8000, 111));
        BinaryPrimitives.WriteUInt32LittleEndian(table, 5); // says five rows, holds one

        Assert.Null(TcpListenerRows.FindPid(table, ipv6: false, 9999));
        Assert.Null(TcpListenerRows.FindPid(table.AsSpan(0, 2), ipv6: false, 8000));
    }

    private static byte[] Table(int rowSize, params (int PortOffset, int PidOffset, int Port, int Pid)[] rows)
    {
        var table = new byte[4 + rows.Length * rowSize];
        BinaryPrimitives.WriteUInt32LittleEndian(table, (uint)rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            var row = table.AsSpan(4 + i * rowSize, rowSize);
            // The port DWORD holds the port in network byte order in its two low bytes.
            BinaryPrimitives.WriteUInt16BigEndian(row[rows[i].PortOffset..], (ushort)rows[i].Port);
            BinaryPrimitives.WriteUInt32LittleEndian(row[rows[i].PidOffset..], (uint)rows[i].Pid);
        }
        return table;
    }
}
