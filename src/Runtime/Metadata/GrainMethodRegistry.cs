using System.Collections.Frozen;

namespace Runtime.Metadata;

/// <summary>The methods a silo can be asked to run by id: those of its hosted grain interfaces, and IRemindable's.</summary>
internal sealed class GrainMethodRegistry(GrainTypeRegistry grainTypes)
{
    private readonly FrozenDictionary<string, GrainMethod> _byId = grainTypes.Classes
        .Select(c => c.Interface)
        .Append(GrainInterfaceMetadata.For(typeof(IRemindable)))
        .SelectMany(i => i.Methods)
        .DistinctBy(m => m.Id)
        .ToFrozenDictionary(m => m.Id, StringComparer.Ordinal);

    public GrainMethod? Find(string id) => _byId.GetValueOrDefault(id);
}
