using System.Diagnostics;

namespace Commerce.Testing;

/// <summary>What the throwaway servers' orphan sweeps ask of a process id an earlier run left in a folder.</summary>
internal static class ProcessIds
{
    public static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
