"""Times whole processes side by side and writes the ratio table.

Each command runs after one warm-up run, several times; we report median, min and max
wall time and peak resident memory (GNU time's %M), then ratios quality ÷ peer.
"""
import json, os, platform, shutil, statistics, subprocess, sys, time

def measure(cmd, runs, cwd):
    samples, rss = [], []
    for k in range(runs + 1):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t0
        lines = p.stderr.strip().splitlines()
        kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        if p.returncode not in (0, 1):
            return {"error": f"exit {p.returncode}: " + " ".join(lines[-3:-1])[:300]}
        if k == 0 and runs > 1:
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
        r = measure(job["cmd"], job.get("runs", plan["runs"]), cwd)
        r.update(name=job["name"], cmd=" ".join(job["cmd"]), group=job["group"], who=job["who"])
        results.append(r)
        if "error" in r:
            print(f"bench: {job['name']}: {r['error']}", file=sys.stderr)
    json.dump(results, open(plan["out"], "w"), indent=1)

main()
