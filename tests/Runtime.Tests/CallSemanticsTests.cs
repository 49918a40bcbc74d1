using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;
using Runtime.TestingHost;

namespace Runtime.Tests;

public sealed class CallSemanticsTests
{
    [Fact]
    public async Task A_call_that_does_not_finish_within_the_call_timeout_fails_with_TimeoutException()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await GrainTestCluster.StartAsync(timeProvider: time, configureSilo: o => o.CallTimeout = TimeSpan.FromSeconds(30));
        var grain = cluster.Grains.GetGrain<ILifecycleGrain>("slow");
        await grain.Ping();

        var hanging = grain.Hang("never");
        var queuedBehind = grain.Ping();
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(hanging.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(2));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => hanging);
        Assert.Contains("LifecycleGrain.Hang", timeout.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TimeoutException>(() => queuedBehind);

        // The turn itself goes on until it finishes; let it, so the silo can shut down.
        cluster.Probe.Open("never");
    }

    [Fact]
    public async Task Grain_exceptions_reach_the_caller_with_their_type_and_message()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var grain = cluster.Grains.GetGrain<IFailingGrain>("thrower");

        var asynchronous = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("card declined"));
        var synchronous = await Assert.ThrowsAsync<ArgumentException>(() => grain.FailSynchronously("bad sku"));

        Assert.Equal("card declined", asynchronous.Message);
        Assert.StartsWith("bad sku", synchronous.Message, StringComparison.Ordinal);
        Assert.Equal(1, await grain.ActivationNumber());
    }

    [Fact]
    public async Task A_grain_method_returning_a_null_task_fails_that_call_and_the_grain_keeps_serving()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var grain = cluster.Grains.GetGrain<IFailingGrain>("null-task");

        // The first call activates the grain and runs on its worker; the second finds it idle and runs inline.
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ReturnNull());
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ReturnNull());

        Assert.Equal(1, await grain.ActivationNumber());
    }

    [Fact]
    public async Task InconsistentStateException_escaping_a_grain_method_deactivates_the_grain()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var grain = cluster.Grains.GetGrain<IFailingGrain>("stale");
        Assert.Equal(1, await grain.ActivationNumber());

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.FailInconsistent());

        // The deactivation began before the caller saw the exception, so this call goes to a new activation.
        Assert.Equal(2, await grain.ActivationNumber());
    }

    [Fact]
    public async Task Request_context_flows_into_grain_calls_and_on_into_the_calls_they_make()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var context = new RequestContext("req-42", "alice", "trace-7");
        RequestContext.Current = context;

        var direct = await cluster.Grains.GetGrain<ILifecycleGrain>("ctx-a").ReadRequestContext();
        var relayed = await cluster.Grains.GetGrain<ILifecycleGrain>("ctx-b").ReadRequestContextThrough("ctx-c");
        RequestContext.Current = null;
        var none = await cluster.Grains.GetGrain<ILifecycleGrain>("ctx-a").ReadRequestContext();

        Assert.Equal(context, direct);
        Assert.Equal(context, relayed);
        Assert.Null(none);
    }

    [Fact]
    public async Task Calling_an_unknown_grain_type_fails_the_call_with_a_clear_error()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Grains.GetGrain<IUnimplementedGrain>("x").Ping());
        Assert.Contains("unimplemented", error.Message, StringComparison.Ordinal);
    }
}

public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task Ping();
}
