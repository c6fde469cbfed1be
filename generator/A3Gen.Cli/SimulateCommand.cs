using System.CommandLine;

namespace A3Gen.Cli;

public static class SimulateCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("simulate", "Run queries on the generated design (Verilator, Icarus or the golden model).");
        return command;
    }
}
