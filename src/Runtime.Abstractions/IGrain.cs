namespace Runtime;

/// <summary>Marker for grain interfaces. Every method returns <see cref="Task"/> or <see cref="Task{TResult}"/>.</summary>
public interface IGrain;

/// <summary>A grain identified by a string key, such as a product SKU or an order id.</summary>
public interface IGrainWithStringKey : IGrain;
