using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>
/// A query's settings of the approximation (docs/approximation-design.md): exact or approximate, the
/// iteration count M of the candidate search and the post-scoring threshold t (raw, threshold format).
/// <c>default</c> is an exact query; an exact query ignores M and t.
/// </summary>
public readonly record struct QuerySettings(bool Approximate, int Iterations, long ThresholdRaw)
{
    /// <summary>An exact query: every row, no candidate search, no post-scoring.</summary>
    public static QuerySettings Exact => default;

    /// <summary>An approximate query with M iterations and the threshold of a percentage T (see <see cref="ThresholdFromPercent"/>).</summary>
    public static QuerySettings ApproximateFor(Design design, int iterations, double thresholdPercent) =>
        new(true, iterations, ThresholdFromPercent(design, thresholdPercent));

    /// <summary>
    /// t_raw = round_half_even(ln(100 / T) 2^(2f)) for T in (0, 100] percent of the largest weight. A t that
    /// does not fit the threshold format saturates to its largest value: max - s never exceeds it, so every
    /// candidate is kept either way.
    /// </summary>
    public static long ThresholdFromPercent(Design design, double thresholdPercent)
    {
        if (!(thresholdPercent > 0 && thresholdPercent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdPercent), thresholdPercent,
                $"threshold T = {thresholdPercent}% is out of range (0, 100]");
        }
        double t = Math.Log(100 / thresholdPercent) * design.Threshold.Scale;
        double raw = Math.Round(t, MidpointRounding.ToEven);
        return raw >= design.Threshold.MaxRaw ? design.Threshold.MaxRaw : (long)raw;
    }

    /// <summary>Checks M and t against the design's formats (only for approximate queries).</summary>
    public void Validate(Design design)
    {
        if (!Approximate)
        {
            return;
        }
        if (Iterations < 0 || Iterations > design.MaxIterations)
        {
            throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations,
                $"iterations M = {Iterations} is out of range 0..{design.MaxIterations} (maxIterations)");
        }
        if (!design.Threshold.Holds(ThresholdRaw))
        {
            throw new ArgumentOutOfRangeException(nameof(ThresholdRaw), ThresholdRaw,
                $"threshold t = {ThresholdRaw} (raw) is out of range 0..{design.Threshold.MaxRaw} ({design.Threshold.Describe()})");
        }
    }
}
