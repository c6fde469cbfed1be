using Scriban;
using Scriban.Runtime;

namespace A3Gen.Emission;

/// <summary>
/// Renders the Scriban templates of <c>templates/</c> with a fully specified context: strict variables,
/// no relaxed member access, no loop or output limit, no indent on empty lines, C# member names as they are.
/// </summary>
public sealed class TemplateRenderer(string templateDirectory)
{
    public string TemplateDirectory { get; } = templateDirectory;

    private readonly Dictionary<string, Template> cache = new(StringComparer.Ordinal);

    /// <summary>Finds <c>templates/</c>: beside the assembly (copied at build) or up from the working directory.</summary>
    public static TemplateRenderer Default() => new(LocateTemplates());

    public static string LocateTemplates()
    {
        var env = Environment.GetEnvironmentVariable("A3GEN_TEMPLATES");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "templates");
                if (File.Exists(Path.Combine(candidate, "rtl", "top.v.scriban")))
                {
                    return candidate;
                }
            }
        }
        throw new DirectoryNotFoundException("cannot find the templates/ folder (set A3GEN_TEMPLATES)");
    }

    public string Render(string templateName, object model)
    {
        var template = Load(templateName);
        var context = new TemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            EnableRelaxedTargetAccess = false,
            EnableRelaxedFunctionAccess = false,
            EnableRelaxedIndexerAccess = false,
            LoopLimit = 0,
            LimitToString = 0,
            OutputLimit = 0,
            RecursiveLimit = 0,
            IndentOnEmptyLines = false,
            MemberRenamer = member => member.Name,
            NewLine = "\n",
        };
        var globals = new ScriptObject();
        globals.Import(model, renamer: member => member.Name);
        // Every width W<Name> also appears as its most significant bit index M<Name> = W<Name> - 1,
        // so that templates write [{{ MRow }}:0] and do no arithmetic.
        foreach (var property in model.GetType().GetProperties())
        {
            if (property.PropertyType == typeof(int) && property.Name.Length > 1 && property.Name[0] == 'W' && char.IsUpper(property.Name[1]))
            {
                globals["M" + property.Name[1..]] = (int)property.GetValue(model)! - 1;
            }
        }
        context.PushGlobal(globals);
        var text = template.Render(context);
        return text.Replace("\r\n", "\n");
    }

    private Template Load(string name)
    {
        if (cache.TryGetValue(name, out var cached))
        {
            return cached;
        }
        var path = Path.Combine(TemplateDirectory, name);
        var template = Template.Parse(File.ReadAllText(path), path);
        if (template.HasErrors)
        {
            throw new InvalidOperationException($"template {name} has errors: {string.Join("; ", template.Messages)}");
        }
        cache[name] = template;
        return template;
    }
}
