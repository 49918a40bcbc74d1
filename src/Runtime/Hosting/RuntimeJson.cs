using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runtime.Hosting;

/// <summary>The JSON settings the runtime uses for grain state and for values crossing grain boundaries.</summary>
public static class RuntimeJson
{
    public static JsonSerializerOptions DefaultOptions { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        options.MakeReadOnly();
        return options;
    }
}
