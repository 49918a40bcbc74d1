namespace Commerce.Testing;

/// <summary>Where a project of this repository was built, in the configuration this code was built in.</summary>
public static class BuiltProject
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The repository's root: the folder holding Orleans.sln, above this assembly or the working directory.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The entry assembly of <paramref name="project"/> (src/&lt;project&gt;), which must have been built.</summary>
    public static string Dll(string project)
    {
        var path = Path.Combine(RepositoryRoot, "src", project, "bin", Configuration, "net10.0", $"{project}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build it first: dotnet build -c {Configuration} src/{project} (looked for {path}).");
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Orleans.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("The repository root (the folder holding Orleans.sln) was not found above this assembly or the working directory.");
    }
}
