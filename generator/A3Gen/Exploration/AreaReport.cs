using A3Gen.Elaboration;
using A3Gen.Synthesis;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace A3Gen.Exploration;

/// <summary>One instance of the top in a synthesis report.</summary>
public sealed record AreaInstance(string Instance, string Module, long Cells, long FlipFlops, long Transistors, long Luts, long MacroBits);

/// <summary>
/// The area side of an exploration: the figures of a synthesis report (report.json of <c>a3gen synth</c>)
/// for the whole design and per instance. The same for every sweep point: M and T are per-query settings.
/// </summary>
public sealed record AreaReport(string Source, string Config, string Target, string Memories, AreaInstance Total, IReadOnlyList<AreaInstance> Instances)
{
    public bool Fpga => Target != "generic";

    /// <summary>
    /// Instances that differ only in a trailing number (u_sorted_max0..31, u_exp_sram0/1) as one row each
    /// group, named <c>u_sorted_max0..31 (x32)</c>, with their figures added up; order of first appearance.
    /// </summary>
    public static IReadOnlyList<AreaInstance> Grouped(IReadOnlyList<AreaInstance> instances) =>
        instances.GroupBy(i => (Stem: i.Instance.TrimEnd("0123456789".ToCharArray()), i.Module))
            .Select(g => g.Count() == 1
                ? g.First()
                : new AreaInstance(
                    $"{g.Key.Stem}{g.Min(Number)}..{g.Max(Number)} (x{g.Count()})", g.Key.Module,
                    g.Sum(i => i.Cells), g.Sum(i => i.FlipFlops), g.Sum(i => i.Transistors), g.Sum(i => i.Luts), g.Sum(i => i.MacroBits)))
            .ToArray();

    private static int Number(AreaInstance i) =>
        int.Parse(i.Instance[i.Instance.TrimEnd("0123456789".ToCharArray()).Length..], System.Globalization.CultureInfo.InvariantCulture);

    public static AreaReport From(SynthReport report, string source) =>
        new(source, report.Config, report.Target, report.Memories, Figures("total", "", report.Total),
            report.Instances.Select(i => Figures(i.Instance, i.Module, i.Total)).ToArray());

    private static AreaInstance Figures(string instance, string module, CellCounts c) =>
        new(instance, module, c.Cells, c.FlipFlops, c.Transistors, c.Luts, c.MacroBits);

    /// <summary>The report's name in messages (<see cref="SettingException.Setting"/>).</summary>
    public const string Setting = "area";

    /// <summary>Reads a report.json and checks that it is the configuration's.</summary>
    public static AreaReport Load(string path, Design design)
    {
        JObject json;
        try
        {
            json = JObject.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingException(Setting, $"cannot read '{path}': {(Directory.Exists(path) ? "it is a folder" : e.Message)}");
        }
        catch (JsonException e)
        {
            throw new SettingException(Setting, $"'{path}' is not JSON: {e.Message}");
        }
        var config = (string?)json["config"];
        if (config is null || json["total"] is not JObject total || json["instances"] is not JArray instances)
        {
            throw new SettingException(Setting, $"'{path}' is not a synthesis report (report.json of a3gen synth: config, total, instances)");
        }
        if (config != design.Config.Name)
        {
            throw new SettingException(Setting, $"'{path}' reports configuration '{config}', not '{design.Config.Name}'");
        }
        return new AreaReport(Path.GetFileName(path), config, (string?)json["target"] ?? "?", (string?)json["memories"] ?? "?",
            Read("total", "", total),
            instances.OfType<JObject>().Select(i => Read((string?)i["instance"] ?? "?", (string?)i["module"] ?? "", i["total"] as JObject ?? [])).ToArray());
    }

    private static AreaInstance Read(string instance, string module, JObject c) =>
        new(instance, module, Long(c, "cells"), Long(c, "flipFlops"), Long(c, "transistors"), Long(c, "luts"), Long(c, "macroBits"));

    private static long Long(JObject o, string name) => o[name] is JValue { Type: JTokenType.Integer } v ? (long)v : 0;
}
