"""The Python twin of report-usage.mjs: runs a script and, at its exit, writes its resource usage as JSON
to $BENCH_USAGE_FILE, in process.resourceUsage()'s units (maxRSS in KB, CPU times in microseconds), so
the bench reads a Python run's figures as it reads a node run's.

  python3 report-usage.py SCRIPT [ARGS...]
"""
import json, os, resource, runpy, sys

script = sys.argv[1]
sys.argv = sys.argv[1:]
try:
    runpy.run_path(script, run_name="__main__")
finally:
    target = os.environ.get("BENCH_USAGE_FILE")
    if target:
        u = resource.getrusage(resource.RUSAGE_SELF)
        with open(target, "w") as f:
            json.dump({"maxRSS": u.ru_maxrss, "userCPUTime": round(u.ru_utime * 1e6), "systemCPUTime": round(u.ru_stime * 1e6)}, f)
