using System.Globalization;
using A3Gen.Exploration;
using ScottPlot;

namespace A3Gen.Cli;

/// <summary>The exploration's plots (ScottPlot, PNG and SVG): error against M, against T, against cycles per query, and (with an energy calibration) against energy per query.</summary>
public static class ExplorePlots
{
    private const int Width = 900;
    private const int Height = 600;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the three plots as PNG and SVG into <paramref name="dir"/>; returns the file names.</summary>
    public static IReadOnlyList<string> Write(ExploreResult r, string title, string dir)
    {
        var files = new List<string>();
        Save(ErrorVersusIterations(r, title), "accuracy-vs-iterations");
        Save(ErrorVersusThreshold(r, title), "accuracy-vs-threshold");
        Save(ErrorVersusCycles(r, title), "accuracy-vs-cycles");
        if (r.Energy is not null)
        {
            Save(ErrorVersusEnergy(r, title), "accuracy-vs-energy");
        }
        return files;

        void Save(Plot plot, string name)
        {
            plot.SavePng(Path.Combine(dir, name + ".png"), Width, Height);
            plot.SaveSvg(Path.Combine(dir, name + ".svg"), Width, Height);
            files.Add(name + ".png");
            files.Add(name + ".svg");
        }
    }

    private static IEnumerable<PointResult> Approx(ExploreResult r) => r.Points.Where(p => p.Mode == "approx");

    private static double Y(PointResult p) => 100 * p.RelErrorMean;

    private static Plot NewPlot(string title, string subtitle)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title($"{title}\n{subtitle}", 14);
        plot.YLabel("mean relative output error (%)");
        return plot;
    }

    private static void ExactLine(Plot plot, ExploreResult r)
    {
        var line = plot.Add.HorizontalLine(Y(r.Exact), 1.5f, Colors.Black, LinePattern.Dashed);
        line.LegendText = "exact path (quantization only)";
    }

    private static Plot ErrorVersusIterations(ExploreResult r, string title)
    {
        var plot = NewPlot(title, "error against iterations M, one line per threshold T");
        plot.XLabel("M / n (mean over queries)");
        var palette = new ScottPlot.Palettes.Category10();
        int c = 0;
        foreach (var group in Approx(r).GroupBy(p => p.ThresholdPercent))
        {
            var pts = group.OrderBy(p => p.IterationsPerRow).ToArray();
            var s = plot.Add.Scatter(pts.Select(p => p.IterationsPerRow).ToArray(), pts.Select(Y).ToArray(), palette.GetColor(c++));
            s.LegendText = string.Create(Inv, $"T = {group.Key}%");
            s.MarkerSize = 7;
            s.LineWidth = 2;
        }
        ExactLine(plot, r);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot ErrorVersusThreshold(ExploreResult r, string title)
    {
        var plot = NewPlot(title, "error against threshold T (log scale), one line per M");
        plot.XLabel("post-scoring threshold T (% of the largest weight)");
        var palette = new ScottPlot.Palettes.Category10();
        int c = 0;
        foreach (var group in Approx(r).GroupBy(p => p.Iterations))
        {
            var pts = group.OrderBy(p => p.ThresholdPercent).ToArray();
            var s = plot.Add.Scatter(pts.Select(p => Math.Log10(p.ThresholdPercent!.Value)).ToArray(), pts.Select(Y).ToArray(), palette.GetColor(c++));
            s.LegendText = $"M = {group.Key}";
            s.MarkerSize = 7;
            s.LineWidth = 2;
        }
        var ts = Approx(r).Select(p => p.ThresholdPercent!.Value).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ts.Select(Math.Log10).ToArray(), ts.Select(t => t.ToString(Inv) + "%").ToArray());
        ExactLine(plot, r);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot ErrorVersusCycles(ExploreResult r, string title)
    {
        var plot = NewPlot(title, "error against cycles per query (cycle model); Pareto front in red");
        plot.XLabel("cycles per query (back to back)");
        var approx = Approx(r).ToArray();
        var all = plot.Add.ScatterPoints(approx.Select(p => p.CyclesPerQuery).ToArray(), approx.Select(Y).ToArray(), Colors.SteelBlue);
        all.LegendText = "swept (M, T)";
        all.MarkerSize = 7;
        var front = r.Points.Where(p => p.Pareto).OrderBy(p => p.CyclesPerQuery).ToArray();
        var line = plot.Add.Scatter(front.Select(p => p.CyclesPerQuery).ToArray(), front.Select(Y).ToArray(), Colors.Red);
        line.LegendText = "Pareto front";
        line.LineWidth = 2;
        line.MarkerSize = 9;
        line.MarkerShape = MarkerShape.OpenCircle;
        var exact = plot.Add.ScatterPoints(new[] { r.Exact.CyclesPerQuery }, new[] { Y(r.Exact) }, Colors.Black);
        exact.MarkerSize = 10;
        exact.MarkerShape = MarkerShape.FilledSquare;
        exact.LegendText = "exact path";
        // The exact path is the rightmost point: its label goes to the left of it.
        Label(plot, r.Exact, "exact", Colors.Black, toTheLeft: true);
        foreach (var label in new[] { SweepPoint.Conservative, SweepPoint.Aggressive })
        {
            if (r.Labelled(label) is { } p)
            {
                var color = label == SweepPoint.Conservative ? Colors.DarkGreen : Colors.DarkOrange;
                var m = plot.Add.ScatterPoints(new[] { p.CyclesPerQuery }, new[] { Y(p) }, color);
                m.MarkerSize = 12;
                m.MarkerShape = MarkerShape.FilledDiamond;
                Label(plot, p, string.Create(Inv, $"{label} (M = {p.Iterations}, T = {p.ThresholdPercent}%)"), color);
            }
        }
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Error against the model's energy per query, with the Pareto front over (energy, error).</summary>
    private static Plot ErrorVersusEnergy(ExploreResult r, string title)
    {
        var e = r.Energy!;
        var plot = NewPlot(title, string.Create(Inv, $"error against energy per query (model calibrated on a measured power run, {e.ClockMhz:0.#} MHz); Pareto front in red"));
        plot.XLabel("energy per query (nJ, OSU 0.18 um)");
        static double X(PointResult p) => p.EnergyPerQueryNj!.Value;
        var approx = Approx(r).ToArray();
        var all = plot.Add.ScatterPoints(approx.Select(X).ToArray(), approx.Select(Y).ToArray(), Colors.SteelBlue);
        all.LegendText = "swept (M, T)";
        all.MarkerSize = 7;
        var front = r.Points.Where(a => !r.Points.Any(b => X(b) <= X(a) && b.RelErrorMean <= a.RelErrorMean && (X(b) < X(a) || b.RelErrorMean < a.RelErrorMean)))
            .OrderBy(X).ToArray();
        var line = plot.Add.Scatter(front.Select(X).ToArray(), front.Select(Y).ToArray(), Colors.Red);
        line.LegendText = "Pareto front";
        line.LineWidth = 2;
        line.MarkerSize = 9;
        line.MarkerShape = MarkerShape.OpenCircle;
        var exact = plot.Add.ScatterPoints(new[] { X(r.Exact) }, new[] { Y(r.Exact) }, Colors.Black);
        exact.MarkerSize = 10;
        exact.MarkerShape = MarkerShape.FilledSquare;
        exact.LegendText = "exact path";
        Label(plot, X(r.Exact), Y(r.Exact), "exact", Colors.Black, toTheLeft: true);
        foreach (var label in new[] { SweepPoint.Conservative, SweepPoint.Aggressive })
        {
            if (r.Labelled(label) is { } p)
            {
                var color = label == SweepPoint.Conservative ? Colors.DarkGreen : Colors.DarkOrange;
                var m = plot.Add.ScatterPoints(new[] { X(p) }, new[] { Y(p) }, color);
                m.MarkerSize = 12;
                m.MarkerShape = MarkerShape.FilledDiamond;
                Label(plot, X(p), Y(p), string.Create(Inv, $"{label} ({p.EnergySaving:0.0}x less energy)"), color);
            }
        }
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static void Label(Plot plot, PointResult p, string text, Color color, bool toTheLeft = false) =>
        Label(plot, p.CyclesPerQuery, Y(p), text, color, toTheLeft);

    private static void Label(Plot plot, double x, double y, string text, Color color, bool toTheLeft = false)
    {
        var t = plot.Add.Text(text, x, y);
        t.LabelFontColor = color;
        t.LabelFontSize = 13;
        t.LabelBold = true;
        t.LabelAlignment = toTheLeft ? Alignment.LowerRight : Alignment.LowerLeft;
        t.OffsetX = toTheLeft ? -8 : 8;
        t.OffsetY = -6;
    }
}
