using A3Gen.Model;

namespace A3Gen.Traces;

/// <summary>
/// One attention instance: m queries against n keys and values, all of dimension d, in double
/// precision. Queries already carry any scale the model applies to q K^T (A3 computes q . K[i]
/// without a 1/sqrt(d) scale: it is folded into q).
/// </summary>
/// <param name="Group">The group the instance came from ("" for a file holding plain q, k, v).</param>
/// <param name="Head">The head index within its group, or null when the group's arrays have no head axis.</param>
public sealed record AttentionInstance(string Group, int? Head, double[][] Queries, double[][] Keys, double[][] Values)
{
    public int QueryCount => Queries.Length;

    public int Rows => Keys.Length;

    public int Dimension => Keys[0].Length;

    /// <summary>A readable name: <c>layer3/head7</c>, <c>head7</c>, <c>layer3</c> or <c>trace</c>.</summary>
    public string Name => (Group, Head) switch
    {
        ("", null) => "trace",
        ("", int h) => $"head{h}",
        (var g, null) => g,
        (var g, int h) => $"{g}/head{h}",
    };

    /// <summary>The scores q . K[i] of query <paramref name="query"/>, in double precision.</summary>
    public double[] Scores(int query) => Reference.Scores(Keys, Queries[query], Keys.Length);

    /// <summary>The attention weights softmax(q K^T) of query <paramref name="query"/>, in double precision.</summary>
    public double[] Weights(int query) => Reference.Weights(Scores(query));

    /// <summary>The attention output sum_i w_i V[i] of query <paramref name="query"/>, in double precision.</summary>
    public double[] Output(int query) => Reference.WeightedSum(Weights(query), Values);
}

/// <summary>
/// A set of attention instances (for a captured model: one per layer and head), read from a
/// NumPy <c>.npz</c> file, a folder of <c>.npy</c> files, or the simulate command's JSON data
/// format (<see cref="TraceReader"/>), or made by <see cref="SyntheticTraces"/>.
/// </summary>
/// <param name="Source">Where the trace came from (a file name or a description), used in messages.</param>
public sealed record Trace(string Source, IReadOnlyList<AttentionInstance> Instances)
{
    /// <summary>d, the same for every instance (a reader refuses a trace that mixes dimensions).</summary>
    public int Dimension => Instances[0].Dimension;

    /// <summary>The largest n of any instance.</summary>
    public int MaxRows => Instances.Max(i => i.Rows);

    public int QueryCount => Instances.Sum(i => i.QueryCount);

    /// <summary>
    /// Checks that the trace fits a configuration: d equal to its dimension and every n within its
    /// maxRows; otherwise a <see cref="UserException"/> names the trace, the instance and the limit.
    /// </summary>
    public void CheckFits(int dimension, int maxRows)
    {
        if (Dimension != dimension)
        {
            throw new UserException($"{Source}: the trace has d = {Dimension}; the configuration's dimension d is {dimension}");
        }
        foreach (var instance in Instances)
        {
            if (instance.Rows > maxRows)
            {
                throw new UserException(
                    $"{Source}: {instance.Name} has n = {instance.Rows} key rows; the configuration allows at most maxRows = {maxRows}");
            }
        }
    }
}
