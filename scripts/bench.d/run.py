"""Times whole processes side by side and writes the results the ratio table is made from.

Each command runs once to warm up, then several times; we report median, min and max wall
time, every run's time, and peak resident memory (GNU time's %M). The jobs of one panel size
take turns, one run each per round, so a machine whose speed drifts (a shared one does, by up
to half over minutes) slows quality and its peers alike and the ratios still compare like with
like; the large panels (2.6M and 10M rows) share their rounds, so that how a ratio grows from
one to the other is measured within a round too. A job timed once (frictionless, daff) runs
on its own after the rounds.
"""
import json, statistics, subprocess, sys, time

def run_once(cmd, cwd, ok, wrap):
    """One timed run: (seconds, peak KB), or an error when the exit code is not in `ok`,
    so a peer that errors out never counts as fast."""
    t0 = time.perf_counter()
    argv = (["/usr/bin/time", "-f", "%M"] if wrap else []) + cmd
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    lines = p.stderr.strip().splitlines()
    if p.returncode not in ok:
        return None, "exit " + str(p.returncode) + ": " + " ".join(lines[-4:-1])[:300]
    kb = int(lines[-1]) if wrap and lines and lines[-1].isdigit() else 0
    return (dt, kb), None

def block_of(job):
    """The rounds a job takes turns in: its panel size (the number its name ends with), the
    large panels together, or a block of its own."""
    tail = job["name"].rsplit("-", 1)[-1]
    if not tail.isdigit():
        return job["name"]
    return "large" if int(tail) >= 1_000_000 else tail

def main():
    plan = json.load(open(sys.argv[1]))
    cwd = plan["cwd"]
    runs = lambda job: job.get("runs", plan["runs"])
    blocks = {}
    for job in plan["jobs"]:
        blocks.setdefault(block_of(job), []).append(job)
    state = {job["name"]: {"samples": [], "rss": [], "error": None} for job in plan["jobs"]}
    for block in blocks.values():
        turns = [job for job in block if runs(job) > 1]
        print(f"bench: in turns: {', '.join(job['name'] for job in turns) or 'none'}", file=sys.stderr, flush=True)
        for round in range(max([runs(job) for job in turns], default=0) + 1):
            for job in turns:
                s = state[job["name"]]
                if s["error"] or round > runs(job):
                    continue
                sample, error = run_once(job["cmd"], cwd, job.get("ok", [0]), job.get("wrap", True))
                if error:
                    s["error"] = error
                    print(f"bench: {job['name']}: {error}", file=sys.stderr)
                elif round > 0:  # round 0 warms up
                    s["samples"].append(sample[0])
                    s["rss"].append(sample[1])
        for job in block:
            if runs(job) > 1:
                continue
            print(f"bench: {job['name']} (once) ...", file=sys.stderr, flush=True)
            sample, error = run_once(job["cmd"], cwd, job.get("ok", [0]), job.get("wrap", True))
            s = state[job["name"]]
            if error:
                s["error"] = error
                print(f"bench: {job['name']}: {error}", file=sys.stderr)
            else:
                s["samples"].append(sample[0])
                s["rss"].append(sample[1])
    results = []
    for job in plan["jobs"]:
        s = state[job["name"]]
        r = {"error": s["error"]} if s["error"] else {
            "median": statistics.median(s["samples"]), "min": min(s["samples"]), "max": max(s["samples"]),
            "samples": s["samples"]}
        if job.get("wrap", True) and not s["error"]:  # unwrapped jobs have no memory measured
            r["rss_mb"] = max(s["rss"]) / 1024
        r.update(name=job["name"], cmd=" ".join(job["cmd"]), group=job["group"], who=job["who"])
        results.append(r)
    json.dump(results, open(plan["out"], "w"), indent=1)

main()
