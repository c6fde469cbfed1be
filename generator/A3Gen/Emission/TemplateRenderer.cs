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

    /// <summary>Renders a template with one view: its public properties, named as in C#.</summary>
    public string Render(string templateName, object model) => Render(templateName, new[] { model });

    /// <summary>
    /// Renders a template with several views side by side (a module's own view over <see cref="CommonView"/>):
    /// their properties are the template's globals; a name defined twice is an error.
    /// </summary>
    public string Render(string templateName, params object[] views)
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
            TemplateLoader = new FolderLoader(TemplateDirectory),
        };
        var globals = new ScriptObject();
        foreach (var view in views)
        {
            var names = view.GetType().GetProperties().Select(p => p.Name).Where(globals.ContainsKey).ToList();
            if (names.Count > 0)
            {
                throw new InvalidOperationException($"template {templateName}: {string.Join(", ", names)} defined by two views");
            }
            globals.Import(view, renamer: member => member.Name);
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

    /// <summary>
    /// Resolves <c>include "rtl/fragment.scriban"</c> against <c>templates/</c>: the shared Verilog fragments
    /// (header, localparam block, ...) are written once and included by the module templates.
    /// </summary>
    private sealed class FolderLoader(string root) : ITemplateLoader
    {
        public string GetPath(TemplateContext context, Scriban.Parsing.SourceSpan callerSpan, string templateName) =>
            Path.Combine(root, templateName);

        public string Load(TemplateContext context, Scriban.Parsing.SourceSpan callerSpan, string templatePath) =>
            File.ReadAllText(templatePath);

        public ValueTask<string?> LoadAsync(TemplateContext context, Scriban.Parsing.SourceSpan callerSpan, string templatePath) =>
            new(File.ReadAllText(templatePath));
    }
}
