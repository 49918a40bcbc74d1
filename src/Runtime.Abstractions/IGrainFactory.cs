namespace Runtime;

/// <summary>Hands out references to grains. A reference is cheap and does not activate anything until called.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}
