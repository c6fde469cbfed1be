namespace A3Gen;

/// <summary>
/// A bad value of a library setting (an explore option, a simulation default), named by the library's own
/// name for it (<see cref="Setting"/>, e.g. "iterations"); a front end names it its own way (the command line:
/// <c>--iterations</c>). Printed as one line.
/// </summary>
public sealed class SettingException(string setting, string problem) : Exception($"{setting}: {problem}")
{
    public string Setting { get; } = setting;

    public string Problem { get; } = problem;
}
