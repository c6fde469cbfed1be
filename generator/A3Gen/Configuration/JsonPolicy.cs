using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace A3Gen.Configuration;

/// <summary>
/// The one JSON policy for configurations and data files: standard JSON (RFC 8259) with comments
/// allowed (<c>//</c> and <c>/* */</c>, as editors' JSONC). Everything else is refused with the line and
/// column: trailing commas, single quotes, unquoted keys, hex and octal numbers (a leading zero), NaN
/// and Infinity, a duplicate key in one object, more than one value, nesting deeper than 64. A number
/// too large for a double (<c>1e999</c>) is refused too. <c>null</c> means "not given": callers treat it
/// as an absent field.
/// </summary>
public static partial class JsonPolicy
{
    /// <summary>Parses <paramref name="text"/> under the policy; a violation is a <see cref="JsonPolicyException"/> naming line and column.</summary>
    public static JToken Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Check(bytes);
        try
        {
            return JToken.Parse(text, new JsonLoadSettings
            {
                CommentHandling = CommentHandling.Ignore,
                DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
                LineInfoHandling = LineInfoHandling.Load,
            });
        }
        catch (Newtonsoft.Json.JsonReaderException e)
        {
            // Not reached for text the strict reader accepted; kept so that no parser message escapes unformatted.
            throw new JsonPolicyException(e.LineNumber, e.LinePosition, Trailer().Replace(e.Message, ""));
        }
    }

    /// <summary>Where a token came from, for messages: "line 3, column 14", or "" when unknown.</summary>
    public static string Position(JToken token) =>
        token is Newtonsoft.Json.IJsonLineInfo info && info.HasLineInfo() ? $"line {info.LineNumber}, column {info.LinePosition}" : "";

    /// <summary>The integer value of a token of type Integer, however large (Newtonsoft keeps big ones as BigInteger).</summary>
    public static BigInteger Integer(JToken token) => token.Type == JTokenType.Integer
        ? ((JValue)token).Value switch
        {
            BigInteger b => b,
            var v => new BigInteger(Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)),
        }
        : throw new ArgumentException("not an integer token", nameof(token));

    private static void Check(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = 64 });
        var names = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        names.Push(null);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!names.Peek()!.Add(name))
                        {
                            var (line, column) = LineColumn(bytes, reader.TokenStartIndex);
                            throw new JsonPolicyException(line, column, $"duplicate key '{name}'");
                        }
                        break;
                    case JsonTokenType.Number:
                        if (!reader.TryGetDouble(out double value) || !double.IsFinite(value))
                        {
                            var (line, column) = LineColumn(bytes, reader.TokenStartIndex);
                            throw new JsonPolicyException(line, column, $"number {Encoding.UTF8.GetString(reader.ValueSpan)} is too large");
                        }
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new JsonPolicyException((int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, Reason(e.Message));
        }
    }

    private static (int Line, int Column) LineColumn(byte[] bytes, long offset)
    {
        int line = 1, column = 1;
        for (long i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return (line, column);
    }

    /// <summary>System.Text.Json's message without its position trailer and with its vocabulary made plain.</summary>
    private static string Reason(string message)
    {
        var text = Trailer().Replace(message, "").Trim().TrimEnd('.');
        if (text.Contains("trailing comma", StringComparison.Ordinal))
        {
            return "trailing comma (not allowed in JSON)";
        }
        if (text.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "no JSON value (the file is empty or holds only comments)";
        }
        text = text
            .Replace(". Change the reader options", "", StringComparison.Ordinal)
            .Replace(", when isFinalBlock is true", "", StringComparison.Ordinal)
            .Replace("Expected a '\"'", "keys are written in double quotes", StringComparison.Ordinal);
        return text.Length == 0 ? "not valid JSON" : text.Replace("'\n'", "a line break").Replace("\n", " ");
    }

    [GeneratedRegex(@"\s*(LineNumber: \d+ \| BytePositionInLine: \d+\.?|Path '.*', line \d+, position \d+\.?|, line \d+, position \d+\.?)\s*$")]
    private static partial Regex Trailer();
}

/// <summary>JSON that breaks <see cref="JsonPolicy"/>: the line and column (1-based) and why.</summary>
public sealed class JsonPolicyException(int line, int column, string reason) : Exception($"line {line}, column {column}: {reason}")
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Reason { get; } = reason;
}
