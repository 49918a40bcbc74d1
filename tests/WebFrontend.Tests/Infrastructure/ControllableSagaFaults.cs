using Grains.Orders;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>The test-only saga hook, shared by both in-process silos: fail every order at a step, or hold the next one there.</summary>
public sealed class ControllableSagaFaults : IOrderSagaFaults
{
    private volatile FaultPlan? _plan;

    public void FailAt(OrderSagaStep step) => _plan = new FaultPlan(step, Hold: null);

    /// <summary>Holds the next order to reach <paramref name="step"/> until the returned hold is released.</summary>
    public SagaHold HoldNextAt(OrderSagaStep step)
    {
        var hold = new SagaHold();
        _plan = new FaultPlan(step, hold);
        return hold;
    }

    public void Clear() => _plan = null;

    public async ValueTask At(OrderSagaStep step, string orderId)
    {
        if (_plan is not { } plan || plan.Step != step)
        {
            return;
        }

        if (plan.Hold is not { } hold)
        {
            throw new InvalidOperationException($"Injected failure at {step} of order {orderId}.");
        }

        if (Interlocked.CompareExchange(ref _plan, null, plan) == plan)
        {
            hold.Reached.TrySetResult(orderId);
            await hold.Released.Task;
        }
    }

    private sealed record FaultPlan(OrderSagaStep Step, SagaHold? Hold);
}

public sealed class SagaHold
{
    public TaskCompletionSource<string> Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
