using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>The one user32 function the launcher needs: hiding the console it had to allocate (winuser.h).</summary>
[SupportedOSPlatform("windows")]
internal static partial class User32
{
    public const int SW_HIDE = 0;

    [LibraryImport("user32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool ShowWindow(nint hWnd, int nCmdShow);
}
