using System.CommandLine;
using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Emission;

namespace A3Gen.Cli;

/// <summary>The a3gen command line: generate, info, synth, simulate, bench, make-trace, explore and power (capture is its own tool, a3gen-capture).</summary>
public static class Cli
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = new RootCommand("A3Gen: generator of synthesizable Verilog for the A3 attention accelerator (Ham et al., HPCA 2020).");
        // Help and usage show the name users type (scripts/a3gen), not the assembly's.
        var named = new Command("a3gen", root.Description);
        foreach (var option in root.Options)
        {
            named.Options.Add(option);
        }
        root = null!;

        var configOption = new Option<string?>("--config") { Description = "configuration JSON file (default: the built-in paper configuration a3-paper)" };
        var outOption = new Option<string?>("--out") { Description = "output folder (default: rtl-out/<name>)" };
        var generate = new Command("generate", "Generate the Verilog, filelist.f and manifest.json of a configuration.") { configOption, outOption };
        generate.SetAction(parse => Guard(stderr, () =>
        {
            var config = LoadConfig(parse.GetValue(configOption));
            var design = new Design(config);
            var files = new Emitter(TemplateRenderer.Default()).Render(design);
            var outDir = parse.GetValue(outOption) ?? Path.Combine("rtl-out", config.Name);
            Emitter.Write(files, outDir);
            stdout.WriteLine($"{config.Name}: wrote {files.Count} files to {outDir} (latency {design.LatencyFormula}, interval {design.IntervalFormula} cycles)");
            return 0;
        }));
        named.Subcommands.Add(generate);
        var infoConfig = new Option<string?>("--config") { Description = "configuration JSON file (default: the built-in paper configuration a3-paper)" };
        var info = new Command("info", "Print a configuration's formats, exp unit and timing as Markdown.") { infoConfig };
        info.SetAction(parse => Guard(stderr, () =>
        {
            stdout.Write(DesignReport.Markdown(new Design(LoadConfig(parse.GetValue(infoConfig)))));
            return 0;
        }));
        named.Subcommands.Add(info);
        named.Subcommands.Add(SynthCommand.Build(stdout, stderr));
        named.Subcommands.Add(SimulateCommand.Build(stdout, stderr));
        named.Subcommands.Add(BenchCommand.Build(stdout, stderr));
        named.Subcommands.Add(MakeTraceCommand.Build(stdout, stderr));
        named.Subcommands.Add(ExploreCommand.Build(stdout, stderr));
        named.Subcommands.Add(PowerCommand.Build(stdout, stderr));

        var parseResult = named.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            var command = string.Join(' ', parseResult.CommandResult.Command.Name == "a3gen" ? ["a3gen"] : new[] { "a3gen", parseResult.CommandResult.Command.Name });
            var error = parseResult.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parseResult.Errors[0];
            var message = Rephrase(System.Text.RegularExpressions.Regex.Replace(error.Message, @"\s*\n\s*", " "));
            stderr.WriteLine($"a3gen: error: {message} (see '{command} --help')");
            return 1;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return parseResult.Invoke(config);
    }

    public static A3Config LoadConfig(string? path) => path is null ? A3Config.Paper : A3Config.Load(path);

    /// <summary>The command line's name for each library setting a <see cref="SettingException"/> names.</summary>
    public static IReadOnlyDictionary<string, string> OptionNames { get; } = new Dictionary<string, string>
    {
        [Exploration.IterationSpec.Setting] = "--iterations",
        [Exploration.ExploreOptions.ThresholdSetting] = "--threshold-percent",
        [Exploration.ExploreOptions.QueriesSetting] = "--queries-per-instance",
        [Exploration.AreaReport.Setting] = "--area",
    };

    /// <summary>System.CommandLine's "cannot parse as type System.Int32" in words: the option, the value and the range.</summary>
    public static string Rephrase(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'\.?$");
        if (!m.Success)
        {
            return message;
        }
        var type = m.Groups["type"].Value.Replace("System.Nullable`1[", "").TrimEnd(']');
        var expected = type switch
        {
            "System.Int32" => $"an integer in range {int.MinValue}..{int.MaxValue}",
            "System.Int64" => $"an integer in range {long.MinValue}..{long.MaxValue}",
            "System.UInt64" => $"an integer in range 0..{ulong.MaxValue}",
            "System.Double" => "a number",
            _ => "a value of the expected kind",
        };
        return $"{m.Groups["option"].Value} {m.Groups["value"].Value} is not {expected}";
    }

    /// <summary>A message on one line: line breaks (from a tool's output or a file name) become spaces.</summary>
    public static string OneLine(string message) => System.Text.RegularExpressions.Regex.Replace(message.Trim(), @"\s*[\r\n]+\s*", " ");

    /// <summary>Runs an action; a user error becomes one line on stderr and exit code 1 (2 for configuration errors).</summary>
    public static int Guard(TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ConfigException e)
        {
            stderr.WriteLine($"a3gen: error: configuration: {OneLine(e.Message)}");
            return 2;
        }
        catch (UserException e)
        {
            stderr.WriteLine($"a3gen: error: {OneLine(e.Message)}");
            return 1;
        }
        catch (SettingException e)
        {
            stderr.WriteLine($"a3gen: error: {(OptionNames.TryGetValue(e.Setting, out var option) ? option : e.Setting)}: {OneLine(e.Problem)}");
            return 1;
        }
        catch (Simulation.UnsaturatedValueException e)
        {
            stderr.WriteLine($"a3gen: error: {OneLine(e.Message)}; pass --saturate to clamp");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"a3gen: error: {OneLine(e.Message)}");
            return 1;
        }
        catch (Exception e)
        {
            // A bug, not a user error: still one line, and no stack trace, but said to be internal.
            stderr.WriteLine($"a3gen: internal error: {e.GetType().Name}: {OneLine(e.Message)}");
            return 3;
        }
    }
}
