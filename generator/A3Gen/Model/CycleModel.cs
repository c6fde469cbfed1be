using A3Gen.Elaboration;

namespace A3Gen.Model;

/// <summary>When one query was taken and when its result was offered and taken (cycle numbers from reset release).</summary>
public sealed record QueryTiming(int AcceptCycle, int ResultValidCycle, int ResultTakenCycle)
{
    public int Latency => ResultValidCycle - AcceptCycle;
}

/// <summary>
/// Cycle-level model of the pipeline's control: the query queue, the three stages (each busy for
/// its <see cref="Design.StagePeriods"/>), the two ping-pong buffers and the result queue, with the
/// same start and hand-off rules as the RTL. It predicts every query's accept and result cycles for
/// any pattern of query gaps and result back-pressure; the data path is the golden model's job.
/// </summary>
public sealed class CycleModel(Design design)
{
    /// <summary>
    /// Simulates until every query's result is taken. <paramref name="offerQuery"/> says whether the
    /// driver starts offering the next query in a cycle (once offered, valid holds until taken);
    /// <paramref name="resultReady"/> whether it takes a result. Cycle 0 is the first cycle after the loads.
    /// </summary>
    public IReadOnlyList<QueryTiming> Run(IReadOnlyList<int> rows, Func<int, bool>? offerQuery = null, Func<int, bool>? resultReady = null, int maxCycles = 10_000_000)
    {
        offerQuery ??= _ => true;
        resultReady ??= _ => true;
        int depthQ = design.Config.QueryQueueDepth, depthR = design.Config.ResultQueueDepth;
        var queryQueue = new Queue<int>();        // query indices
        var resultQueue = new Queue<int>();
        var stageQuery = new int[3];              // query in each stage, -1 when idle
        var stageLeft = new int[3];               // cycles until the stage's done edge
        Array.Fill(stageQuery, -1);
        var buffers = new[] { new PingPong(), new PingPong() }; // score buffer, exp buffer
        var accept = new int[rows.Count];
        var valid = new int[rows.Count];
        var taken = new int[rows.Count];
        Array.Fill(valid, -1);
        int next = 0, done = 0;
        bool held = false;
        for (int cycle = 0; done < rows.Count; cycle++)
        {
            if (cycle > maxCycles)
            {
                throw new InvalidOperationException("cycle model did not finish: deadlock");
            }
            // Combinational decisions of this cycle, from the state at its start.
            bool queryValid = next < rows.Count && (held || offerQuery(cycle));
            bool queryHandshake = queryValid && queryQueue.Count < depthQ;
            held = queryValid && !queryHandshake;
            int resultHead = resultQueue.Count > 0 ? resultQueue.Peek() : -1;
            if (resultHead >= 0 && valid[resultHead] < 0)
            {
                valid[resultHead] = cycle;
            }
            bool resultHandshake = resultHead >= 0 && resultReady(cycle);
            bool start0 = stageQuery[0] < 0 && queryQueue.Count > 0 && buffers[0].WriteFree;
            bool start1 = stageQuery[1] < 0 && buffers[0].ReadFull && buffers[1].WriteFree;
            bool start2 = stageQuery[2] < 0 && buffers[1].ReadFull && resultQueue.Count < depthR;
            var finishing = new bool[3];
            for (int s = 0; s < 3; s++)
            {
                finishing[s] = stageQuery[s] >= 0 && stageLeft[s] == 1;
            }

            // The clock edge.
            int[] finishedQuery = [.. stageQuery];
            for (int s = 0; s < 3; s++)
            {
                if (stageQuery[s] >= 0)
                {
                    stageLeft[s]--;
                }
                if (finishing[s])
                {
                    stageQuery[s] = -1;
                }
            }
            if (finishing[0])
            {
                buffers[0].Fill(finishedQuery[0]);
            }
            if (finishing[1])
            {
                buffers[0].Release();
                buffers[1].Fill(finishedQuery[1]);
            }
            if (finishing[2])
            {
                buffers[1].Release();
            }
            if (resultHandshake)
            {
                taken[resultQueue.Dequeue()] = cycle;
                done++;
            }
            if (finishing[2])
            {
                resultQueue.Enqueue(finishedQuery[2]);
            }
            if (start0)
            {
                Start(0, queryQueue.Dequeue());
            }
            if (start1)
            {
                Start(1, buffers[0].ReadQuery);
            }
            if (start2)
            {
                Start(2, buffers[1].ReadQuery);
            }
            if (queryHandshake)
            {
                accept[next] = cycle;
                queryQueue.Enqueue(next++);
            }
        }
        return Enumerable.Range(0, rows.Count).Select(k => new QueryTiming(accept[k], valid[k], taken[k])).ToArray();

        void Start(int stage, int query)
        {
            stageQuery[stage] = query;
            // The stage is busy from the cycle after its start for period - 1 cycles; its done edge ends the last of them.
            stageLeft[stage] = design.StagePeriods(rows[query])[stage] - 1;
        }
    }

    /// <summary>Steady-state cycles per query of a run: the mean interval between results (a single query: its latency).</summary>
    public static double CyclesPerQuery(IReadOnlyList<QueryTiming> timings) =>
        timings.Count == 1
            ? timings[0].Latency
            : (double)(timings[^1].ResultValidCycle - timings[0].ResultValidCycle) / (timings.Count - 1);

    private sealed class PingPong
    {
        private readonly bool[] full = new bool[2];
        private readonly int[] query = new int[2];
        private int writeBank;
        private int readBank;

        public bool WriteFree => !full[writeBank];

        public bool ReadFull => full[readBank];

        public int ReadQuery => query[readBank];

        public void Fill(int q)
        {
            full[writeBank] = true;
            query[writeBank] = q;
            writeBank ^= 1;
        }

        public void Release()
        {
            full[readBank] = false;
            readBank ^= 1;
        }
    }
}
