using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>When one query was taken and when its result was offered and taken (cycle numbers from reset release).</summary>
public sealed record QueryTiming(int AcceptCycle, int ResultValidCycle, int ResultTakenCycle)
{
    public int Latency => ResultValidCycle - AcceptCycle;
}

/// <summary>
/// Cycle-level model of the pipeline's control: the query queue, the four stages (each busy for
/// its <see cref="Design.StagePeriods(StageWork)"/>, which depend on the query's path and counts),
/// the three ping-pong buffers and the result queue (the output pushes a result the cycle after its
/// done, <see cref="Design.ResultPushStages"/>), with the same start and hand-off rules as the RTL. It predicts every query's accept and result cycles for any pattern of query gaps and result
/// back-pressure; the data path (and so C and K) is the golden model's job.
/// </summary>
public sealed class CycleModel(Design design)
{
    /// <summary>
    /// Simulates until every query's result is taken. <paramref name="offerQuery"/> says whether the
    /// driver starts offering the next query in a cycle (once offered, valid holds until taken);
    /// <paramref name="resultReady"/> whether it takes a result. Cycle 0 is the first cycle after the loads.
    /// </summary>
    public IReadOnlyList<QueryTiming> Run(IReadOnlyList<int> rows, Func<int, bool>? offerQuery = null, Func<int, bool>? resultReady = null, int maxCycles = 10_000_000) =>
        Run(rows.Select(n => StageWork.Exact(design.EffectiveRows(n))).ToArray(), offerQuery, resultReady, maxCycles);

    /// <summary>As above, for queries of any path: <paramref name="work"/> gives each query's stage periods.</summary>
    public IReadOnlyList<QueryTiming> Run(IReadOnlyList<StageWork> work, Func<int, bool>? offerQuery = null, Func<int, bool>? resultReady = null, int maxCycles = 10_000_000)
    {
        offerQuery ??= _ => true;
        resultReady ??= _ => true;
        if (design.OnePass is { } op)
        {
            return RunOnePass(op, work, offerQuery, resultReady, maxCycles);
        }
        const int stages = 4;
        int depthQ = design.Config.QueryQueueDepth, depthR = design.Config.ResolvedResultQueueDepth;
        var queryQueue = new Queue<int>();        // query indices
        var resultQueue = new Queue<int>();
        var freeAt = new int[stages];             // cycle from which the stage may start the next query
        var inFlight = new List<(int Query, int Done)>[stages]; // queries started and not done, oldest first, with their done cycle
        var releases = new List<int>[stages];     // cycles whose edge releases the stage's input buffer, oldest first
        for (int st = 0; st < stages; st++)
        {
            inFlight[st] = [];
            releases[st] = [];
        }
        // The candidate buffer has two banks; the score and exp buffers a bank more than their producers have queries
        // in flight (one issuing and up to two draining).
        var buffers = new[] { new PingPong(2), new PingPong(design.BufferBanks), new PingPong(design.BufferBanks) };
        var accept = new int[work.Count];
        var valid = new int[work.Count];
        var taken = new int[work.Count];
        Array.Fill(valid, -1);
        int next = 0, done = 0, reserved = 0;
        bool held = false;
        var pushes = new Queue<(int Query, int Edge)>(); // the output's finished queries and the edge of their push (ResultPushStages later)
        for (int cycle = 0; done < work.Count; cycle++)
        {
            if (cycle > maxCycles)
            {
                throw new InvalidOperationException("cycle model did not finish: deadlock");
            }
            // Combinational decisions of this cycle, from the state at its start.
            bool queryValid = next < work.Count && (held || offerQuery(cycle));
            bool queryHandshake = queryValid && queryQueue.Count < depthQ;
            held = queryValid && !queryHandshake;
            int resultHead = resultQueue.Count > 0 ? resultQueue.Peek() : -1;
            if (resultHead >= 0 && valid[resultHead] < 0)
            {
                valid[resultHead] = cycle;
            }
            bool resultHandshake = resultHead >= 0 && resultReady(cycle);
            // Stage s reads buffer s-1 (stage 0 the query queue) and writes buffer s (the last stage the result queue).
            // The candidate stage takes one query at a time; the others take the next while they drain the previous
            // one (at most one draining): its rows go to the other bank, which must be free (the output: the result
            // queue must have room for every result reserved and not pushed, and this one).
            var start = new bool[stages];
            for (int st = 0; st < stages; st++)
            {
                bool input = st == 0 ? queryQueue.Count > 0 : buffers[st - 1].ReadFull;
                int draining = inFlight[st].Count;
                bool output = st == stages - 1
                    ? reserved < 2 && resultQueue.Count + reserved < depthR
                    : st == 0 ? buffers[0].WriteFree : draining < design.BufferBanks - 1 && buffers[st].WriteFreeAfter(draining);
                start[st] = cycle >= freeAt[st] && (st == 0 ? inFlight[0].Count == 0 : draining < 2) && input && output;
            }

            // The clock edge.
            var finished = new int[stages];
            for (int st = 0; st < stages; st++)
            {
                finished[st] = inFlight[st].Count > 0 && inFlight[st][0].Done == cycle ? inFlight[st][0].Query : -1;
                if (finished[st] >= 0)
                {
                    inFlight[st].RemoveAt(0);
                }
            }
            for (int st = 1; st < stages; st++)
            {
                if (releases[st].Count > 0 && releases[st][0] == cycle)
                {
                    releases[st].RemoveAt(0);
                    buffers[st - 1].Release();
                }
            }
            for (int st = 0; st < stages - 1; st++)
            {
                if (finished[st] >= 0)
                {
                    buffers[st].Fill(finished[st]);
                }
            }
            if (resultHandshake)
            {
                taken[resultQueue.Dequeue()] = cycle;
                done++;
            }
            while (pushes.Count > 0 && pushes.Peek().Edge == cycle)
            {
                resultQueue.Enqueue(pushes.Dequeue().Query);
                reserved--;
            }
            if (finished[stages - 1] >= 0)
            {
                pushes.Enqueue((finished[stages - 1], cycle + design.ResultPushStages));
            }
            for (int st = 0; st < stages; st++)
            {
                if (start[st])
                {
                    Start(st, st == 0 ? queryQueue.Dequeue() : buffers[st - 1].ReadQuery, cycle);
                }
            }
            if (queryHandshake)
            {
                accept[next] = cycle;
                queryQueue.Enqueue(next++);
            }
        }
        return Enumerable.Range(0, work.Count).Select(k => new QueryTiming(accept[k], valid[k], taken[k])).ToArray();

        void Start(int stage, int query, int cycle)
        {
            var w = work[query];
            // The stage is busy from the cycle after its start for period - 1 cycles; its done edge ends the last of them.
            inFlight[stage].Add((query, cycle + design.StagePeriods(w)[stage] - 1));
            freeAt[stage] = cycle + design.StageIssuePeriods(w)[stage];
            if (stage > 0)
            {
                // A release in the start's own cycle happens at this edge (the others' have been applied already).
                int release = cycle + design.StageReleaseCycles(w)[stage];
                if (release == cycle)
                {
                    buffers[stage - 1].Release();
                }
                else
                {
                    releases[stage].Add(release);
                }
            }
            if (stage == stages - 1)
            {
                reserved++;
            }
        }
    }

    /// <summary>
    /// The one-pass pipeline (templates/rtl/online.v.scriban): query queue, candidate stage, candidate buffer and dot
    /// product as above; the dot product starts a query only while the online stage is free (no replay under way,
    /// fewer than OnePassSoftmax.InFlight queries started and not pushed, room in the result queue for every result to
    /// come, and for a third query the oldest merged and the drain almost empty). From the dot
    /// product's done D: a live query's last row is at the online stage's input at D, a replayed one's at D + 1 + C
    /// (the replay reads keep the stage busy from D + 1 to D + C); the merge is requested MergeDelay cycles after the
    /// last row and happens once the drain holds at most one element; the push follows MergeToPush(d) cycles later.
    /// </summary>
    private List<QueryTiming> RunOnePass(OnePassSoftmax op, IReadOnlyList<StageWork> work, Func<int, bool> offerQuery, Func<int, bool> resultReady, int maxCycles)
    {
        int depthQ = design.Config.QueryQueueDepth, depthR = design.Config.ResolvedResultQueueDepth, d = design.Dimension;
        var queryQueue = new Queue<int>();
        var resultQueue = new Queue<int>();
        var candBuffer = new PingPong(2);
        int candQuery = -1, candLeft = 0, dpFreeAt = 0;
        int pending = 0, unmerged = 0, replayUntil = -1, drainLeft = 0;
        var releases = new List<int>();                    // cycles whose edge releases the candidate buffer, in order
        var dones = new List<(int Query, int Cycle)>();    // the dot product's done of each query in flight, in order
        var merges = new List<(int Query, int Cycle)>();   // merge requests, in order
        var pushes = new List<(int Query, int Cycle)>();   // pushes, in order
        var accept = new int[work.Count];
        var valid = new int[work.Count];
        var taken = new int[work.Count];
        Array.Fill(valid, -1);
        int next = 0, done = 0;
        bool held = false;
        for (int cycle = 0; done < work.Count; cycle++)
        {
            if (cycle > maxCycles)
            {
                throw new InvalidOperationException("cycle model did not finish: deadlock");
            }
            bool queryValid = next < work.Count && (held || offerQuery(cycle));
            bool queryHandshake = queryValid && queryQueue.Count < depthQ;
            held = queryValid && !queryHandshake;
            int resultHead = resultQueue.Count > 0 ? resultQueue.Peek() : -1;
            if (resultHead >= 0 && valid[resultHead] < 0)
            {
                valid[resultHead] = cycle;
            }
            bool resultHandshake = resultHead >= 0 && resultReady(cycle);
            // Room in the result queue for every result to come; a third query only once the oldest has merged and
            // the drain is almost empty (OnePassSoftmax.InFlight).
            bool free = cycle > replayUntil && pending < op.InFlight && resultQueue.Count + pending < depthR
                && (pending < 2 || (unmerged <= 1 && drainLeft <= 1));
            bool startCand = candQuery < 0 && queryQueue.Count > 0 && candBuffer.WriteFree;
            bool startDp = cycle >= dpFreeAt && candBuffer.ReadFull && free;
            bool candFinishing = candQuery >= 0 && candLeft == 1;
            bool release = releases.Count > 0 && releases[0] == cycle;
            bool dpDone = dones.Count > 0 && dones[0].Cycle == cycle;
            bool merge = merges.Count > 0 && merges[0].Cycle <= cycle && drainLeft <= 1;
            bool push = pushes.Count > 0 && pushes[0].Cycle == cycle;

            // The clock edge.
            if (candQuery >= 0)
            {
                candLeft--;
            }
            if (candFinishing)
            {
                candBuffer.Fill(candQuery);
                candQuery = -1;
            }
            if (release)
            {
                candBuffer.Release();
                releases.RemoveAt(0);
            }
            if (dpDone)
            {
                var (q, _) = dones[0];
                dones.RemoveAt(0);
                var w = work[q];
                if (w.PostScoring)
                {
                    replayUntil = cycle + design.ScoredEntries(w);
                }
                merges.Add((q, cycle + design.OnePassMergeDelay(w)));
            }
            if (drainLeft > 0)
            {
                drainLeft--;
            }
            if (merge)
            {
                pushes.Add((merges[0].Query, cycle + op.MergeToPush(d)));
                merges.RemoveAt(0);
                drainLeft = op.Groups;
                unmerged--;
            }
            if (resultHandshake)
            {
                taken[resultQueue.Dequeue()] = cycle;
                done++;
            }
            if (push)
            {
                resultQueue.Enqueue(pushes[0].Query);
                pushes.RemoveAt(0);
                pending--;
            }
            if (startCand)
            {
                candQuery = queryQueue.Dequeue();
                candLeft = design.StagePeriods(work[candQuery])[0] - 1;
            }
            if (startDp)
            {
                // A query without post-scoring releases the candidate buffer at its last issue and frees the dot
                // product two cycles later; one with post-scoring keeps both until its done.
                int q = candBuffer.ReadQuery;
                var w = work[q];
                int doneCycle = cycle + design.StagePeriods(w)[1] - 1;
                releases.Add(w.PostScoring ? doneCycle : cycle + design.IssueCycles(w));
                dpFreeAt = cycle + design.DotProductFreeCycles(w);
                dones.Add((q, doneCycle));
                pending++;
                unmerged++;
            }
            if (queryHandshake)
            {
                accept[next] = cycle;
                queryQueue.Enqueue(next++);
            }
        }
        return Enumerable.Range(0, work.Count).Select(k => new QueryTiming(accept[k], valid[k], taken[k])).ToList();
    }

    /// <summary>Steady-state cycles per query of a run: the mean interval between results (a single query: its latency).</summary>
    public static double CyclesPerQuery(IReadOnlyList<QueryTiming> timings) =>
        timings.Count == 1
            ? timings[0].Latency
            : (double)(timings[^1].ResultValidCycle - timings[0].ResultValidCycle) / (timings.Count - 1);

    /// <summary>A ring of banks between two stages (a ping-pong buffer with two): filled and released in order.</summary>
    private sealed class PingPong(int banks)
    {
        private readonly bool[] full = new bool[banks];
        private readonly int[] query = new int[banks];
        private int writeBank;
        private int readBank;

        public bool WriteFree => !full[writeBank];

        /// <summary>The bank <paramref name="ahead"/> after the write bank is free (a producer with that many queries draining writes it next).</summary>
        public bool WriteFreeAfter(int ahead) => !full[(writeBank + ahead) % banks];

        public bool ReadFull => full[readBank];

        public int ReadQuery => query[readBank];

        public void Fill(int q)
        {
            full[writeBank] = true;
            query[writeBank] = q;
            writeBank = (writeBank + 1) % banks;
        }

        public void Release()
        {
            full[readBank] = false;
            readBank = (readBank + 1) % banks;
        }
    }
}
