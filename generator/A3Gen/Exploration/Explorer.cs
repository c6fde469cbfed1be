using System.Globalization;
using A3Gen.Elaboration;
using A3Gen.Model;
using A3Gen.Traces;

namespace A3Gen.Exploration;

/// <summary>What to sweep: the iteration counts M, the thresholds T (percent), and how many queries of each instance to use.</summary>
public sealed record ExploreOptions
{
    /// <summary>The paper's thresholds: 1, 2.5, 5, 10 and 20 percent.</summary>
    public static IReadOnlyList<double> PaperThresholds { get; } = [1, 2.5, 5, 10, 20];

    public IReadOnlyList<IterationSpec> Iterations { get; init; } = IterationSpec.PaperDefaults;

    public IReadOnlyList<double> ThresholdPercents { get; init; } = PaperThresholds;

    /// <summary>Queries used per instance (evenly spaced, the first always); null: all of them.</summary>
    public int? QueriesPerInstance { get; init; }

    /// <summary>The energy model calibrated on a measured power run of the same configuration; null: no energy per point.</summary>
    public EnergyModel? Energy { get; init; }

    /// <summary>The thresholds' name in messages (<see cref="SettingException.Setting"/>).</summary>
    public const string ThresholdSetting = "thresholdPercents";

    /// <summary>The per-instance query sample's name in messages.</summary>
    public const string QueriesSetting = "queriesPerInstance";

    /// <summary>Parses a comma-separated list of thresholds in percent; each must be in (0, 100].</summary>
    public static IReadOnlyList<double> ParseThresholds(string text)
    {
        var items = IterationSpec.ListItems(text, ThresholdSetting, "1,2.5,5,10,20");
        return items.Select(item =>
        {
            if (!double.TryParse(item, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double t) || !double.IsFinite(t))
            {
                throw new SettingException(ThresholdSetting, $"'{item}' is not a number (give percentages such as 1,2.5,5,10,20)");
            }
            if (!(t > 0 && t <= 100))
            {
                throw new SettingException(ThresholdSetting, $"T = {item}% is out of range (0, 100]");
            }
            return t;
        }).ToArray();
    }
}

/// <summary>One swept setting: M and T. The paper names two of them (section VI).</summary>
public sealed record SweepPoint(IterationSpec Iterations, double ThresholdPercent)
{
    public const string Conservative = "conservative";
    public const string Aggressive = "aggressive";

    /// <summary>"conservative" for (n/2, 5%), "aggressive" for (n/8, 10%), else "".</summary>
    public string Label =>
        Iterations.IsFraction(1, 2) && ThresholdPercent == 5 ? Conservative
        : Iterations.IsFraction(1, 8) && ThresholdPercent == 10 ? Aggressive
        : "";
}

/// <summary>One instance of the trace in the input format, with the host's sorted keys and the queries the sweep uses.</summary>
public sealed record PreparedInstance(
    AttentionInstance Source, int Index, int[] QueryIndices, long[][] Queries, long[][] Keys, long[][] Values, SortedKey[][] Sorted,
    double[][] KeysReal, double[][] ValuesReal)
{
    public int Rows => Keys.Length;
}

/// <summary>One query at one point: accuracy, counts and the work of each stage.</summary>
public readonly record struct QueryOutcome(
    double RelError, double Cosine, bool Top1, double RelErrorQuantized, double CosineQuantized, bool Top1Quantized,
    int Iterations, int Candidates, int Kept, bool Fallback, StageWork Work, long[] OutputRaw);

/// <summary>A row of points.csv: one swept point (or the exact path) over every query used.</summary>
public sealed record PointResult(
    string Mode,
    string Iterations,
    double IterationsMean,
    double IterationsPerRow,
    double? ThresholdPercent,
    long? ThresholdRaw,
    int Queries,
    double RelErrorMean,
    double RelErrorMedian,
    double RelErrorMax,
    double CosineMean,
    double Top1Agreement,
    double RelErrorMeanQuantized,
    double RelErrorMaxQuantized,
    double CosineMeanQuantized,
    double Top1AgreementQuantized,
    double CandidatesMean,
    double KeptMean,
    double CandidateFraction,
    double KeptFraction,
    int Fallbacks,
    double CyclesPerQuery,
    double LatencyMean,
    double Speedup,
    double LatencySpeedup,
    bool Pareto,
    string Label)
{
    /// <summary>Energy per query from the calibrated <see cref="EnergyModel"/> (nJ); null without a calibration.</summary>
    public double? EnergyPerQueryNj { get; init; }

    /// <summary>The exact path's energy per query over this point's; null without a calibration.</summary>
    public double? EnergySaving { get; init; }

    /// <summary>The candidate search's share of <see cref="EnergyPerQueryNj"/> (cells and sorted-key memory); null without a calibration.</summary>
    public double? CandidateEnergyShare { get; init; }
}

/// <summary>The sweep's results: the exact path first, then every (M, T) in the order given (M outer, T inner).</summary>
public sealed record ExploreResult(
    Design Design,
    Trace Trace,
    IReadOnlyList<PreparedInstance> Instances,
    IReadOnlyList<SweepPoint> Sweep,
    IReadOnlyList<PointResult> Points,
    QuantizationCount QueryQuantization,
    QuantizationCount KeyQuantization,
    QuantizationCount ValueQuantization,
    int? QueriesPerInstance,
    bool CyclesFromLatency)
{
    public int QueryCount => Instances.Sum(i => i.QueryIndices.Length);

    /// <summary>The energy model the points' energies come from; null when explore had no calibration.</summary>
    public EnergyModel? Energy { get; init; }

    public PointResult Exact => Points[0];

    public PointResult? Labelled(string label) => Points.FirstOrDefault(p => p.Label == label);

    /// <summary>Outcomes of every query at every point ([point][query], exact first), for the co-simulated sample and tests.</summary>
    public required QueryOutcome[][] Outcomes { get; init; }

    /// <summary>The settings of point p (0 = exact) for an instance of n rows.</summary>
    public QuerySettings Settings(int point, int n) => Explorer.Settings(Design, point == 0 ? null : Sweep[point - 1], n);
}

/// <summary>
/// The design-space sweep (docs/explore.md): every query of every instance of a trace, quantized to the
/// design's input format, run through the bit-exact approximate model at each (M, T) and through the
/// exact path; accuracy against double-precision attention, row counts, and timing from the cycle model.
/// </summary>
public sealed class Explorer(Design design)
{
    public Design Design { get; } = design;

    /// <summary>The query settings of a sweep point for n rows (null: the exact path).</summary>
    public static QuerySettings Settings(Design design, SweepPoint? point, int n) =>
        point is null ? QuerySettings.Exact : QuerySettings.ApproximateFor(design, point.Iterations.Resolve(n), point.ThresholdPercent);

    /// <summary>Checks that the sweep fits the trace and the design; errors are one-line <see cref="UserException"/>s.</summary>
    public IReadOnlyList<SweepPoint> Plan(Trace trace, ExploreOptions options)
    {
        trace.CheckFits(Design.Dimension, Design.MaxRows);
        if (options.QueriesPerInstance is { } k && k < 1)
        {
            throw new SettingException(ExploreOptions.QueriesSetting, $"{k}; give at least 1");
        }
        foreach (var spec in options.Iterations)
        {
            foreach (var instance in trace.Instances)
            {
                int m = spec.Resolve(instance.Rows);
                if (m > Design.MaxIterations)
                {
                    throw new SettingException(IterationSpec.Setting, spec.Relative
                        ? $"{spec.Text} is M = {m} for {instance.Name} (n = {instance.Rows}), out of range 0..{Design.MaxIterations} (the configuration's maxIterations)"
                        : $"M = {m} is out of range 0..{Design.MaxIterations} (the configuration's maxIterations)");
                }
            }
        }
        foreach (var t in options.ThresholdPercents)
        {
            if (!(t > 0 && t <= 100))
            {
                throw new SettingException(ExploreOptions.ThresholdSetting, $"T = {t.ToString(CultureInfo.InvariantCulture)}% is out of range (0, 100]");
            }
        }
        return options.Iterations.SelectMany(m => options.ThresholdPercents.Select(t => new SweepPoint(m, t))).ToArray();
    }

    /// <summary>The queries of an instance the sweep uses: all, or k evenly spaced (floor(i m / k), i = 0..k-1).</summary>
    public static int[] SampleQueries(int m, int? k) =>
        k is not { } count || count >= m ? Enumerable.Range(0, m).ToArray() : Enumerable.Range(0, count).Select(i => (int)((long)i * m / count)).ToArray();

    /// <summary>Runs the sweep on both cores; <paramref name="progress"/> gets (queries done, queries in all) from worker threads.</summary>
    public ExploreResult Run(Trace trace, ExploreOptions options, Action<int, int>? progress = null)
    {
        var sweep = Plan(trace, options);
        var qCount = new QuantizationCount();
        var kCount = new QuantizationCount();
        var vCount = new QuantizationCount();
        var instances = new List<PreparedInstance>();
        foreach (var (instance, index) in trace.Instances.Select((x, i) => (x, i)))
        {
            var picks = SampleQueries(instance.QueryCount, options.QueriesPerInstance);
            var queries = Quantizer.Quantize(picks.Select(p => instance.Queries[p]).ToArray(), Design.Input, qCount);
            var keys = Quantizer.Quantize(instance.Keys, Design.Input, kCount);
            var values = Quantizer.Quantize(instance.Values, Design.Input, vCount);
            instances.Add(new PreparedInstance(instance, index, picks, queries, keys, values, SortedKeys.Build(Design, keys, instance.Rows),
                ToReal(keys), ToReal(values)));
        }

        // Every (instance, query) pair, in trace order; each worker fills its own slots: deterministic output.
        var jobs = instances.SelectMany(inst => Enumerable.Range(0, inst.QueryIndices.Length).Select(k => (Instance: inst, Query: k))).ToArray();
        int points = sweep.Count + 1;
        var outcomes = Enumerable.Range(0, points).Select(_ => new QueryOutcome[jobs.Length]).ToArray();
        var model = new ApproximateModel(Design);
        int done = 0;
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
        {
            var (inst, k) = jobs[job];
            var one = RunQuery(model, inst, k, sweep);
            for (int p = 0; p < points; p++)
            {
                outcomes[p][job] = one[p];
            }
            progress?.Invoke(Interlocked.Increment(ref done), jobs.Length);
        });

        // Timing: each instance's queries back to back through the cycle model (K, V and the sorted keys loaded once).
        var timing = new (double Span, int Intervals, double LatencySum)[points];
        Parallel.For(0, points, p =>
        {
            double span = 0, latency = 0;
            int intervals = 0, offset = 0;
            var cycles = new CycleModel(Design);
            foreach (var inst in instances)
            {
                int m = inst.QueryIndices.Length;
                var work = Enumerable.Range(offset, m).Select(j => outcomes[p][j].Work).ToArray();
                var timings = cycles.Run(work);
                span += timings[^1].ResultValidCycle - timings[0].ResultValidCycle;
                intervals += m - 1;
                latency += work.Sum(w => (double)Design.Latency(w));
                offset += m;
            }
            timing[p] = (span, intervals, latency);
        });
        bool fromLatency = timing[0].Intervals == 0;

        var results = new List<PointResult>(points);
        for (int p = 0; p < points; p++)
        {
            var point = p == 0 ? null : sweep[p - 1];
            var o = outcomes[p];
            var t = timing[p];
            double latencyMean = t.LatencySum / o.Length;
            double cpq = fromLatency ? latencyMean : t.Span / t.Intervals;
            double exactCpq = results.Count > 0 ? results[0].CyclesPerQuery : cpq;
            double exactLatency = results.Count > 0 ? results[0].LatencyMean : latencyMean;
            results.Add(new PointResult(
                Mode: point is null ? "exact" : "approx",
                Iterations: point?.Iterations.Text ?? "",
                IterationsMean: o.Average(x => (double)x.Iterations),
                IterationsPerRow: Enumerable.Range(0, o.Length).Average(j => (double)o[j].Iterations / jobs[j].Instance.Rows),
                ThresholdPercent: point?.ThresholdPercent,
                ThresholdRaw: point is null ? null : QuerySettings.ThresholdFromPercent(Design, point.ThresholdPercent),
                Queries: o.Length,
                RelErrorMean: o.Average(x => x.RelError),
                RelErrorMedian: Median(o.Select(x => x.RelError)),
                RelErrorMax: o.Max(x => x.RelError),
                CosineMean: o.Average(x => x.Cosine),
                Top1Agreement: o.Average(x => x.Top1 ? 1.0 : 0.0),
                RelErrorMeanQuantized: o.Average(x => x.RelErrorQuantized),
                RelErrorMaxQuantized: o.Max(x => x.RelErrorQuantized),
                CosineMeanQuantized: o.Average(x => x.CosineQuantized),
                Top1AgreementQuantized: o.Average(x => x.Top1Quantized ? 1.0 : 0.0),
                CandidatesMean: o.Average(x => (double)x.Candidates),
                KeptMean: o.Average(x => (double)x.Kept),
                CandidateFraction: Enumerable.Range(0, o.Length).Average(j => (double)o[j].Candidates / jobs[j].Instance.Rows),
                KeptFraction: Enumerable.Range(0, o.Length).Average(j => (double)o[j].Kept / jobs[j].Instance.Rows),
                Fallbacks: o.Count(x => x.Fallback),
                CyclesPerQuery: cpq,
                LatencyMean: latencyMean,
                Speedup: exactCpq / cpq,
                LatencySpeedup: exactLatency / latencyMean,
                Pareto: false,
                Label: point is null ? "exact" : point.Label));
        }

        // Pareto front over (cycles per query, mean relative error): no other point is at least as good in both and better in one.
        for (int p = 0; p < results.Count; p++)
        {
            var a = results[p];
            bool dominated = results.Any(b =>
                b.CyclesPerQuery <= a.CyclesPerQuery && b.RelErrorMean <= a.RelErrorMean
                && (b.CyclesPerQuery < a.CyclesPerQuery || b.RelErrorMean < a.RelErrorMean));
            results[p] = a with { Pareto = !dominated };
        }

        // Energy per query: the calibrated model on each point's cycles per query and mean work per query.
        if (options.Energy is { } energy)
        {
            double? exactJ = null;
            for (int p = 0; p < results.Count; p++)
            {
                var work = WorkPerQuery.Of(Design, outcomes[p].Select(o => o.Work).ToArray());
                var parts = energy.PerComponentJ(results[p].CyclesPerQuery, work);
                double joules = parts.Sum(x => x.Joules);
                exactJ ??= joules;
                double search = parts.Where(x => x.Component is "candidate selection" or "sorted-key memory").Sum(x => x.Joules);
                results[p] = results[p] with { EnergyPerQueryNj = joules * 1e9, EnergySaving = exactJ / joules, CandidateEnergyShare = search / joules };
            }
        }

        return new ExploreResult(Design, trace, instances, sweep, results, qCount, kCount, vCount, options.QueriesPerInstance, fromLatency)
        {
            Outcomes = outcomes,
            Energy = options.Energy,
        };
    }

    /// <summary>One query at the exact path and at every sweep point.</summary>
    private QueryOutcome[] RunQuery(ApproximateModel model, PreparedInstance inst, int k, IReadOnlyList<SweepPoint> sweep)
    {
        var source = inst.Source;
        int n = inst.Rows;
        int qi = inst.QueryIndices[k];
        var query = inst.Queries[k];

        // References in double precision: on the trace's own (unquantized) inputs, and on the quantized ones.
        var weights = source.Weights(qi);
        var reference = Reference.WeightedSum(weights, source.Values);
        int refTop = ArgMax(weights);
        var qReal = query.Select(Design.Input.ToReal).ToArray();
        var weightsQ = Reference.Weights(Reference.Scores(inst.KeysReal, qReal, inst.KeysReal.Length));
        var referenceQ = Reference.WeightedSum(weightsQ, inst.ValuesReal);
        int refTopQ = ArgMax(weightsQ);

        var result = new QueryOutcome[sweep.Count + 1];
        for (int p = 0; p <= sweep.Count; p++)
        {
            var settings = Settings(Design, p == 0 ? null : sweep[p - 1], n);
            var r = model.Run(inst.Keys, inst.Values, inst.Sorted, query, n, settings, out var trace);
            var output = r.Output(Design.Output);
            var pipeline = trace.Pipeline;
            int top = pipeline.KeptRows[ArgMax(pipeline.Exps)];
            result[p] = new QueryOutcome(
                RelativeError(output, reference), Cosine(output, reference), top == refTop,
                RelativeError(output, referenceQ), Cosine(output, referenceQ), top == refTopQ,
                settings.Approximate ? settings.Iterations : 0, r.Candidates, r.Kept, r.Fallback,
                model.Work(n, settings, trace), r.OutputRaw);
        }
        return result;
    }

    private double[][] ToReal(long[][] raw) => raw.Select(r => r.Select(Design.Input.ToReal).ToArray()).ToArray();

    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int h = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
    }

    /// <summary>Index of the largest element, the first on ties.</summary>
    public static int ArgMax(IReadOnlyList<double> x)
    {
        int best = 0;
        for (int i = 1; i < x.Count; i++)
        {
            if (x[i] > x[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static int ArgMax(IReadOnlyList<long> x)
    {
        int best = 0;
        for (int i = 1; i < x.Count; i++)
        {
            if (x[i] > x[best])
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>||o - r|| / ||r||; 0 when both are zero, infinity when only r is.</summary>
    public static double RelativeError(double[] o, double[] r)
    {
        double diff = 0, norm = 0;
        for (int j = 0; j < o.Length; j++)
        {
            diff += (o[j] - r[j]) * (o[j] - r[j]);
            norm += r[j] * r[j];
        }
        return norm > 0 ? Math.Sqrt(diff / norm) : diff > 0 ? double.PositiveInfinity : 0;
    }

    /// <summary>o . r / (||o|| ||r||); 1 when both are zero, 0 when only one is.</summary>
    public static double Cosine(double[] o, double[] r)
    {
        double dot = 0, no = 0, nr = 0;
        for (int j = 0; j < o.Length; j++)
        {
            dot += o[j] * r[j];
            no += o[j] * o[j];
            nr += r[j] * r[j];
        }
        return no > 0 && nr > 0 ? dot / Math.Sqrt(no * nr) : no == 0 && nr == 0 ? 1 : 0;
    }
}
