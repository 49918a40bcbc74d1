using System.Globalization;
using System.Text.Json.Nodes;

namespace Benchmarks;

/// <summary>
/// CPU time each process of a benchmark spent between two snapshots, read from <c>/proc</c> (Linux): the processes the
/// benchmark started, by name; every PostgreSQL process together (its backends, and through the postmaster's
/// children's time those that exited); the benchmark itself (the load generator); and the whole machine from
/// <c>/proc/stat</c>, so what nobody above used shows as "other" and "idle". On two cores this says where an order's
/// time goes when the machine, not a lock or a round trip, is the limit.
/// </summary>
public sealed class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on.

    private readonly Dictionary<string, long> _ticks;
    private readonly long _machineBusy;
    private readonly long _machineIdle;

    private ProcessCpu(Dictionary<string, long> ticks, long machineBusy, long machineIdle)
    {
        _ticks = ticks;
        _machineBusy = machineBusy;
        _machineIdle = machineIdle;
    }

    private static bool IsAvailable => File.Exists("/proc/stat");

    /// <summary>Reads the CPU time so far of the processes in <paramref name="named"/> (pid → name), PostgreSQL's and this one's.</summary>
    public static ProcessCpu Snapshot(IReadOnlyDictionary<int, string> named)
    {
        var ticks = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!IsAvailable)
        {
            return new ProcessCpu(ticks, 0, 0);
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || ReadStat(pid) is not { } stat)
            {
                continue;
            }

            var name = named.TryGetValue(pid, out var given) ? given
                : pid == Environment.ProcessId ? "benchmark (load)"
                : stat.Command == "postgres" ? "postgres"
                : null;
            if (name is not null)
            {
                ticks[name] = ticks.GetValueOrDefault(name) + stat.Ticks;
            }
        }

        var (busy, idle) = ReadMachine();
        return new ProcessCpu(ticks, busy, idle);
    }

    /// <summary>Seconds of CPU per name since <paramref name="before"/>, plus "other" and "idle" for the rest of the machine.</summary>
    private IReadOnlyList<KeyValuePair<string, double>> Since(ProcessCpu before)
    {
        var seconds = _ticks.Keys.Union(before._ticks.Keys)
            .Select(name => KeyValuePair.Create(name, (_ticks.GetValueOrDefault(name) - before._ticks.GetValueOrDefault(name)) / TicksPerSecond))
            .OrderBy(p => Order(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
        var busy = (_machineBusy - before._machineBusy) / TicksPerSecond;
        seconds.Add(KeyValuePair.Create("other", Math.Max(0, busy - seconds.Sum(p => p.Value))));
        seconds.Add(KeyValuePair.Create("idle", (_machineIdle - before._machineIdle) / TicksPerSecond));
        return seconds;
    }

    /// <summary>CPU milliseconds per unit of work (an order, an attempt) of each process, as JSON and as printed rows.</summary>
    public JsonObject PerUnit(ProcessCpu before, int units, TimeSpan elapsed, Action<string, string>? row = null)
    {
        var json = new JsonObject();
        foreach (var (name, seconds) in Since(before))
        {
            var perUnit = units == 0 ? 0 : seconds * 1000 / units;
            var share = seconds / (elapsed.TotalSeconds * Environment.ProcessorCount);
            json[name] = new JsonObject { ["cpu_s"] = Math.Round(seconds, 2), ["ms_per_unit"] = Math.Round(perUnit, 3), ["share_of_machine"] = Math.Round(share, 3) };
            row?.Invoke($"  {name}", $"{perUnit.ToString("F2", CultureInfo.InvariantCulture)} ms ({share.ToString("P0", CultureInfo.InvariantCulture)})");
        }

        return json;
    }

    private static int Order(string name) => name switch
    {
        "benchmark (load)" => 2,
        "postgres" => 1,
        _ => 0,
    };

    private static (string Command, long Ticks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // Exited meanwhile.
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ..." where comm may hold spaces and parentheses: the fields start after the last ')'.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');

        // After comm: state(0) … utime(11) stime(12) cutime(13) cstime(14).
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
            + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        return (text[(open + 1)..close], ticks);
    }

    private static (long Busy, long Idle) ReadMachine()
    {
        // "cpu  user nice system idle iowait irq softirq steal …"
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
        return (busy, idle);
    }
}
