using A3Gen.Configuration;
using A3Gen.Elaboration;
using A3Gen.Model;

namespace A3Gen.Simulation;

/// <summary>What the device showed in one cycle, sampled with the clock low before the rising edge.</summary>
/// <param name="Cycle">The device's cycle counter (<see cref="A3Device.Cycle"/>) of this cycle.</param>
/// <param name="LoadTaken">A load row was offered and load_ready_o was high: it is written at this edge.</param>
/// <param name="QueryTaken">A query was offered and query_ready_o was high: it enters the queue at this edge.</param>
/// <param name="Result">The result taken in this cycle (result valid and ready), or null.</param>
public sealed record DeviceCycle(long Cycle, bool LoadReady, bool QueryReady, bool ResultValid, bool LoadTaken, bool QueryTaken, QueryResult? Result);

/// <summary>
/// Drives a Verilator model of the A3 top level cycle by cycle. Inputs hold their value until set
/// again; <see cref="Step"/> applies them with the clock low, evaluates, samples the outputs (a
/// handshake happens at the rising edge when valid and ready are both high), then raises the clock
/// and evaluates again. A waveform (if any) gets the clock-low state at 10c + 5 and the rising edge at
/// 10c + 10 (time units of the FST file) for cycle c. Higher-level helpers (<see cref="Reset"/>, <see cref="LoadRow"/>,
/// <see cref="RunQueries"/>, <see cref="Run"/>) implement the protocol of <see cref="Stimulus"/>.
/// </summary>
public sealed class A3Device : IDisposable
{
    private readonly VerilatedModel model;
    private readonly Port[] ports;
    private readonly uint[][] inputValue;
    private readonly bool[] inputDirty;
    private readonly uint[] one = [1];
    private readonly uint[] zero = [0];
    private readonly uint[] sample = new uint[1];
    private readonly uint[] resultWords;
    private readonly int clk, reset, loadValid, loadReady, loadTarget, loadRow, loadData, loadIds;
    private readonly int queryValid, queryReady, queryData, queryRows, queryApprox, queryIterations, queryThreshold, resultValid, resultReady;
    private readonly int resultData, resultCandidates, resultKept, resultFallback;
    private readonly bool resetActiveLow;
    private bool tracing;

    public A3Device(Design design, VerilatedModel model, string? tracePath = null)
    {
        Design = design;
        this.model = model;
        ports = [.. design.Ports];
        inputValue = ports.Select(p => new uint[PortWords.Words(p.Width)]).ToArray();
        inputDirty = ports.Select(p => p.Direction == "input").ToArray(); // write every input once
        clk = Index("clk_i");
        reset = Index(design.ResetPort);
        resetActiveLow = design.Config.Reset == ResetStyle.AsyncLow;
        loadValid = Index("load_valid_i");
        loadReady = Index("load_ready_o");
        loadTarget = Index("load_target_i");
        loadRow = Index("load_row_i");
        loadData = Index("load_data_i");
        loadIds = Index("load_ids_i");
        queryValid = Index("query_valid_i");
        queryReady = Index("query_ready_o");
        queryData = Index("query_data_i");
        queryRows = Index("query_rows_i");
        queryApprox = Index("query_approx_i");
        queryIterations = Index("query_iterations_i");
        queryThreshold = Index("query_threshold_i");
        resultValid = Index("result_valid_o");
        resultReady = Index("result_ready_i");
        resultData = Index("result_data_o");
        resultCandidates = Index("result_candidates_o");
        resultKept = Index("result_kept_o");
        resultFallback = Index("result_fallback_o");
        resultWords = new uint[PortWords.Words(design.ResultDataWidth)];
        if (tracePath is not null)
        {
            model.TraceOpen(tracePath);
            tracing = true;
        }
        // Clock low, reset asserted, every stream idle.
        SetReset(true);
        model.Set(clk, zero);
        Apply();
        model.Eval();
        Dump(0);
    }

    /// <summary>
    /// Builds (or finds in the cache, <see cref="VerilatorBuild.CacheRoot"/> unless <paramref name="cacheRoot"/>) the
    /// library for the design and creates a device on a fresh model.
    /// </summary>
    public static A3Device Create(Design design, string? tracePath = null, string? cacheRoot = null)
    {
        var library = VerilatorBuild.Build(design, trace: tracePath is not null, cacheRoot: cacheRoot);
        var native = VerilatorNative.Load(library.Path, VerilatorShim.SymbolPrefix(design));
        return new A3Device(design, new VerilatedModel(native), tracePath);
    }

    public Design Design { get; }

    /// <summary>Clock cycles stepped since the device was created.</summary>
    public long Cycle { get; private set; }

    /// <summary>Cycles a helper waits for a handshake or a result before it gives up.</summary>
    public long CycleLimit { get; set; } = 1_000_000;

    // ---- inputs (they hold until set again) ----

    /// <summary>Asserts or releases the reset input, whatever its style (rst_ni active low or rst_i active high).</summary>
    public void SetReset(bool asserted) => SetScalar(reset, asserted == !resetActiveLow ? 1u : 0u);

    /// <summary>
    /// Drives the load stream; <paramref name="values"/> are raw input-format elements, <paramref name="ids"/>
    /// the rowIds of a sorted-key entry (target 2; zeros otherwise).
    /// </summary>
    public void SetLoad(bool valid, int target = 0, int row = 0, IReadOnlyList<long>? values = null, IReadOnlyList<long>? ids = null)
    {
        SetScalar(loadValid, valid ? 1u : 0u);
        if (valid)
        {
            if (target is not (0 or 1 or 2) && !(target == 3 && Design.OnChipSort))
            {
                throw new ArgumentOutOfRangeException(nameof(target), target, Design.OnChipSort
                    ? "load target is 0 (K), 1 (V), 2 (sorted keys) or 3 (sort)"
                    : "load target is 0 (K), 1 (V) or 2 (sorted keys)");
            }
            var rowIds = ids ?? new long[Design.Dimension];
            if (rowIds.Count != Design.Dimension || rowIds.Any(id => id < 0 || id >= Design.MaxRows))
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"a sorted-key entry has d = {Design.Dimension} rowIds, each 0..{Design.MaxRows - 1}");
            }
            SetWords(loadIds, PortWords.Pack(Design.RowIdsLayout, rowIds));
            if (row < 0 || row >= Design.MaxRows)
            {
                throw new ArgumentOutOfRangeException(nameof(row), row, $"load row is 0..{Design.MaxRows - 1}");
            }
            SetScalar(loadTarget, (uint)target);
            SetScalar(loadRow, (uint)row);
            SetWords(loadData, PackRow(values ?? throw new ArgumentNullException(nameof(values)), "load row"));
        }
    }

    /// <summary>
    /// Drives the query stream with pre-packed data (<see cref="PackRow"/>). <paramref name="rows"/> may be
    /// any value the port holds, so tests can drive an out-of-range n; <see cref="RunQueries"/> allows 1..N only.
    /// </summary>
    public void SetQuery(bool valid, uint[]? packedQuery = null, int rows = 0, QuerySettings settings = default)
    {
        SetScalar(queryValid, valid ? 1u : 0u);
        if (valid)
        {
            settings.Validate(Design);
            // An exact query ignores M and t: the ports get zeros.
            settings = settings.Approximate ? settings : QuerySettings.Exact;
            SetScalar(queryApprox, settings.Approximate ? 1u : 0u);
            SetScalar(queryIterations, (uint)settings.Iterations);
            SetWords(queryThreshold, PortWords.Pack([settings.ThresholdRaw], Design.Threshold.Width, Design.Threshold.Width));
            if (rows < 0 || rows >= 1 << Design.RowCountWidth)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows, $"query_rows_i holds 0..{(1 << Design.RowCountWidth) - 1}");
            }
            SetWords(queryData, packedQuery ?? throw new ArgumentNullException(nameof(packedQuery)));
            SetScalar(queryRows, (uint)rows);
        }
    }

    public void SetResultReady(bool ready) => SetScalar(resultReady, ready ? 1u : 0u);

    /// <summary>Packs a row (d raw input-format values) into the words of a load or query port, checking the range.</summary>
    public uint[] PackRow(IReadOnlyList<long> values, string what = "row")
    {
        if (values.Count != Design.Dimension)
        {
            throw new ArgumentException($"{what} has {values.Count} elements, the design's d is {Design.Dimension}");
        }
        for (int j = 0; j < values.Count; j++)
        {
            if (!Design.Input.Holds(values[j]))
            {
                throw new ArgumentOutOfRangeException(nameof(values), values[j],
                    $"{what} element {j}: {values[j]} is outside the input format {Design.Input.Describe()} ({Design.Input.MinRaw}..{Design.Input.MaxRaw})");
            }
        }
        return PortWords.Pack(Design.RowLayout, values);
    }

    // ---- the clock ----

    /// <summary>One clock cycle: apply inputs with the clock low, evaluate, sample, rising edge, evaluate.</summary>
    public DeviceCycle Step()
    {
        model.Set(clk, zero);
        Apply();
        model.Eval();
        Dump((10 * (ulong)Cycle) + 5);
        bool lr = Scalar(loadReady) != 0, qr = Scalar(queryReady) != 0, rv = Scalar(resultValid) != 0;
        bool loadTaken = lr && inputValue[loadValid][0] != 0;
        bool queryTaken = qr && inputValue[queryValid][0] != 0;
        QueryResult? result = rv && inputValue[resultReady][0] != 0 ? ReadResult() : null;
        model.Set(clk, one);
        model.Eval();
        Dump((10 * (ulong)Cycle) + 10);
        var cycle = new DeviceCycle(Cycle, lr, qr, rv, loadTaken, queryTaken, result);
        Cycle++;
        return cycle;
    }

    /// <summary>Reads the result ports as they are now (meaningful while result_valid_o is high).</summary>
    public QueryResult ReadResult()
    {
        model.Get(resultData, resultWords);
        var output = PortWords.Unpack(resultWords, Design.ResultDataLayout);
        return new QueryResult(output, (int)Scalar(resultCandidates), (int)Scalar(resultKept), Scalar(resultFallback) != 0);
    }

    // ---- protocol helpers ----

    /// <summary>Asserts reset for <paramref name="cycles"/> clock cycles with every stream idle, then releases it.</summary>
    public void Reset(int cycles = 4)
    {
        Idle();
        SetReset(true);
        for (int c = 0; c < cycles; c++)
        {
            Step();
        }
        SetReset(false);
    }

    /// <summary>Sets every stream input low (no load, no query, result not ready).</summary>
    public void Idle()
    {
        SetLoad(false);
        SetQuery(false);
        SetResultReady(false);
    }

    /// <summary>Offers one row to the load stream until it is taken (target 0 = K, 1 = V, 2 = sorted keys); returns the cycle it was taken.</summary>
    public long LoadRow(int target, int row, IReadOnlyList<long> values, IReadOnlyList<long>? ids = null)
    {
        SetLoad(true, target, row, values, ids);
        long start = Cycle;
        while (true)
        {
            var c = Step();
            if (c.LoadTaken)
            {
                SetLoad(false);
                return c.Cycle;
            }
            if (Cycle - start > CycleLimit)
            {
                throw Timeout($"load of {(target == 0 ? "K" : target == 1 ? "V" : target == 2 ? "sorted-key" : "sort")} row {row} was not taken (load_ready_o stayed low)");
            }
        }
    }

    /// <summary>Loads K rows 0..rows-1, then V rows 0..rows-1, one per cycle as load_ready_o allows.</summary>
    public void Load(IReadOnlyList<long[]> keys, IReadOnlyList<long[]> values)
    {
        if (keys.Count != values.Count || keys.Count > Design.MaxRows)
        {
            throw new ArgumentException($"{keys.Count} key rows and {values.Count} value rows: both must be equal and at most N = {Design.MaxRows}");
        }
        for (int r = 0; r < keys.Count; r++)
        {
            LoadRow(0, r, keys[r]);
        }
        for (int r = 0; r < values.Count; r++)
        {
            LoadRow(1, r, values[r]);
        }
    }

    /// <summary>Loads the sorted-key memory's entries 0..count-1 (target 2): values and rowIds of every column.</summary>
    public void LoadSorted(IReadOnlyList<SortedKey[]> sorted)
    {
        for (int i = 0; i < sorted.Count; i++)
        {
            LoadRow(2, i, sorted[i].Select(e => e.Value).ToArray(), sorted[i].Select(e => (long)e.RowId).ToArray());
        }
    }

    /// <summary>The cycles of the last K load and on-chip sort (<see cref="LoadAndSort"/>), or null.</summary>
    public SortTiming? LastSort { get; private set; }

    /// <summary>Offers the sort beat (load target 3, keySort = "on-chip") for K's rows 0..rows-1; returns the cycle it was taken.</summary>
    public long StartSort(int rows) => LoadRow(3, rows - 1, new long[Design.Dimension]);

    /// <summary>Steps with the load stream idle (target K) until load_ready_o is high: the sorter is done. Returns that cycle.</summary>
    public long WaitSorted()
    {
        SetLoad(false);
        SetScalar(loadTarget, 0);
        long start = Cycle;
        while (true)
        {
            var c = Step();
            if (c.LoadReady)
            {
                return c.Cycle;
            }
            if (Cycle - start > CycleLimit)
            {
                throw Timeout("the sorter stayed busy (load_ready_o low)");
            }
        }
    }

    /// <summary>
    /// keySort = "on-chip": loads K rows 0..rows-1, the sort beat, then V rows (taken while the sorter runs), and
    /// waits for the sorter; the cycles go to <see cref="LastSort"/>.
    /// </summary>
    public SortTiming LoadAndSort(IReadOnlyList<long[]> keys, IReadOnlyList<long[]> values)
    {
        if (keys.Count != values.Count || keys.Count < 1 || keys.Count > Design.MaxRows)
        {
            throw new ArgumentException($"{keys.Count} key rows and {values.Count} value rows: both must be equal and 1..N = {Design.MaxRows}");
        }
        long first = -1;
        for (int r = 0; r < keys.Count; r++)
        {
            long c = LoadRow(0, r, keys[r]);
            first = r == 0 ? c : first;
        }
        long beat = StartSort(keys.Count);
        for (int r = 0; r < values.Count; r++)
        {
            LoadRow(1, r, values[r]);
        }
        LastSort = new SortTiming(first, beat, WaitSorted());
        return LastSort;
    }

    /// <summary>
    /// Issues the queries and collects their results with the protocol of <see cref="Stimulus"/>: cycle 0
    /// is the first cycle of this call; in cycle c the next query is offered if it was offered in c-1
    /// and not taken, or if <paramref name="offer"/>(c); a result is taken in cycle c if <paramref name="ready"/>(c).
    /// </summary>
    public IReadOnlyList<SimulatedQuery> RunQueries(IReadOnlyList<QueryBeat> queries, Func<int, bool>? offer = null, Func<int, bool>? ready = null, long? maxCycles = null)
    {
        offer ??= _ => true;
        ready ??= _ => true;
        long limit = maxCycles ?? CycleLimit;
        var packed = queries.Select((q, k) => PackRow(q.Query, $"query {k}")).ToArray();
        foreach (var (q, k) in queries.Select((q, k) => (q, k)))
        {
            if (q.Rows < 1 || q.Rows > Design.MaxRows)
            {
                throw new ArgumentOutOfRangeException(nameof(queries), q.Rows, $"query {k}: rows n is 1..{Design.MaxRows}");
            }
        }
        var accept = new int[queries.Count];
        var valid = new int[queries.Count];
        var taken = new int[queries.Count];
        var results = new QueryResult[queries.Count];
        Array.Fill(valid, -1);
        int next = 0, done = 0;
        bool held = false;
        for (int cycle = 0; done < queries.Count; cycle++)
        {
            if (cycle > limit)
            {
                throw Timeout($"after {cycle} cycles {next} of {queries.Count} queries were accepted and {done} results taken");
            }
            bool queryOffered = next < queries.Count && (held || offer(cycle));
            SetQuery(queryOffered, queryOffered ? packed[next] : null, queryOffered ? queries[next].Rows : 0,
                queryOffered ? queries[next].Settings : default);
            SetResultReady(ready(cycle));
            var c = Step();
            held = queryOffered && !c.QueryTaken;
            if (c.ResultValid && valid[done] < 0)
            {
                if (done >= next)
                {
                    throw new UserException($"verilator: {Design.Config.Name} offered a result in cycle {cycle} before query {done} was accepted");
                }
                valid[done] = cycle;
            }
            if (c.Result is not null)
            {
                results[done] = c.Result;
                taken[done] = cycle;
                done++;
            }
            if (c.QueryTaken)
            {
                accept[next++] = cycle;
            }
        }
        Idle();
        return Enumerable.Range(0, queries.Count)
            .Select(k => new SimulatedQuery(results[k], new QueryTiming(accept[k], valid[k], taken[k])))
            .ToArray();
    }

    /// <summary>The whole protocol of <see cref="Stimulus"/>: reset, loads, then the queries.</summary>
    public IReadOnlyList<SimulatedQuery> Run(Stimulus stimulus, long? maxCycles = null)
    {
        Reset();
        if (Design.OnChipSort && stimulus.Keys.Length > 0)
        {
            LoadAndSort(stimulus.Keys, stimulus.Values);
        }
        else
        {
            Load(stimulus.Keys, stimulus.Values);
            LoadSorted(stimulus.Sorted(Design));
        }
        return RunQueries(stimulus.Queries, stimulus.Offer, stimulus.Ready, maxCycles);
    }

    public void Dispose()
    {
        if (tracing)
        {
            model.TraceClose();
            tracing = false;
        }
        model.Dispose();
    }

    private UserException Timeout(string what) =>
        new($"verilator: {Design.Config.Name} timed out at device cycle {Cycle} (limit {CycleLimit}): {what}");

    private int Index(string name)
    {
        int index = Array.FindIndex(ports, p => p.Name == name);
        return index >= 0 ? index : throw new InvalidOperationException($"the design has no port {name}");
    }

    private void SetScalar(int port, uint value)
    {
        if (inputValue[port][0] != value)
        {
            inputValue[port][0] = value;
            inputDirty[port] = true;
        }
    }

    private void SetWords(int port, uint[] words)
    {
        if (!inputValue[port].AsSpan().SequenceEqual(words))
        {
            words.CopyTo(inputValue[port], 0);
            inputDirty[port] = true;
        }
    }

    private void Apply()
    {
        for (int p = 0; p < ports.Length; p++)
        {
            if (inputDirty[p])
            {
                model.Set(p, inputValue[p]);
                inputDirty[p] = false;
            }
        }
    }

    private uint Scalar(int port)
    {
        model.Get(port, sample);
        return sample[0];
    }

    private void Dump(ulong time)
    {
        if (tracing)
        {
            model.TraceDump(time);
        }
    }
}
