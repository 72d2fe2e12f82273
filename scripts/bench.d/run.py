"""Times whole processes side by side and writes the ratio table.

Each command runs after one warm-up run, several times; we report median, min and max
wall time and peak resident memory (GNU time's %M), then ratios quality ÷ peer.
"""
import json, os, platform, shutil, statistics, subprocess, sys, time

def measure(cmd, runs, cwd, ok, wrap=True):
    """Runs `cmd` once to warm up (unless runs is 1), then `runs` times; a run whose exit
    code is not in `ok` fails the job, so a peer that errors out never counts as fast."""
    samples, rss = [], []
    total = runs + 1 if runs > 1 else 1
    for k in range(total):
        t0 = time.perf_counter()
        argv = (["/usr/bin/time", "-f", "%M"] if wrap else []) + cmd
        p = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t0
        lines = p.stderr.strip().splitlines()
        kb = int(lines[-1]) if wrap and lines and lines[-1].isdigit() else 0
        if p.returncode not in ok:
            return {"error": f"exit {p.returncode}: " + " ".join(lines[-4:-1])[:300]}
        if total > runs and k == 0:
            continue  # warm-up
        samples.append(dt)
        rss.append(kb)
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "rss_mb": max(rss) / 1024}

def main():
    plan = json.load(open(sys.argv[1]))
    cwd = plan["cwd"]
    results = []
    for job in plan["jobs"]:
        print(f"bench: {job['name']} ...", file=sys.stderr, flush=True)
        r = measure(job["cmd"], job.get("runs", plan["runs"]), cwd, job.get("ok", [0]), job.get("wrap", True))
        r.update(name=job["name"], cmd=" ".join(job["cmd"]), group=job["group"], who=job["who"])
        results.append(r)
        if "error" in r:
            print(f"bench: {job['name']}: {r['error']}", file=sys.stderr)
    json.dump(results, open(plan["out"], "w"), indent=1)

main()
