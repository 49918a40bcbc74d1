namespace LoadTest.Reporting;

/// <summary>The machine's load average (1, 5, 15 min), recorded with the results: other work on the machine shows in the numbers.</summary>
public static class LoadAverage
{
    public static string Read()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
