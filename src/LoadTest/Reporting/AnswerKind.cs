using LoadTest.Measuring;
using LoadTest.Scenarios;

namespace LoadTest.Reporting;

/// <summary>How an answer counts for the run: a success, a refusal the scenario provokes on purpose, or unexpected (a failure).</summary>
public static class AnswerKind
{
    public const string Ok = "ok";
    public const string Refused = "refused";
    public const string Unexpected = "unexpected";

    public static string Of(Answer answer, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return answer.IsSuccess ? Ok : scenario.IsExpectedRefusal(answer) ? Refused : Unexpected;
    }
}
