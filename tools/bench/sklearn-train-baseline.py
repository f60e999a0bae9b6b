"""The Python side of `npm run bench:train`: scikit-learn 1.2 trains every (Device, Sensor) of a readings CSV
in one process, as a user of the reference architecture would (Pipeline(StandardScaler, OneClassSVM), fitted
one after the other: libsvm is single-threaded).

usage: /usr/bin/python3 sklearn-train-baseline.py <readings.csv> <out.jsonl> <nu> <kernel> <gamma>
Writes one JSON line per model (device, sensor, support, dualCoef, rho) and prints a JSON line of timings.
"""
import csv
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM


def main():
    data, out, nu, kernel, gamma = sys.argv[1:6]
    gamma = gamma if gamma in ("scale", "auto") else float(gamma)
    started = time.perf_counter()
    groups = {}
    with open(data, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        d, s, v = header.index("Device"), header.index("Sensor"), header.index("Value")
        for row in reader:
            groups.setdefault((row[d], row[s]), []).append(float(row[v]))
    read_seconds = time.perf_counter() - started
    fit_started = time.perf_counter()
    with open(out, "w") as f:
        for (device, sensor), values in groups.items():
            svm = OneClassSVM(kernel=kernel, nu=float(nu), gamma=gamma)
            Pipeline([("scaler", StandardScaler()), ("svm", svm)]).fit(np.asarray(values, dtype=np.float64).reshape(-1, 1))
            f.write(json.dumps({"device": device, "sensor": sensor, "support": svm.support_.tolist(),
                                "dualCoef": svm.dual_coef_[0].tolist(),
                                "supportVectors": svm.support_vectors_.tolist(), "rho": float(-svm.intercept_[0])}) + "\n")
    fit_seconds = time.perf_counter() - fit_started
    print(json.dumps({"sklearn": sklearn.__version__, "models": len(groups), "readSeconds": read_seconds,
                      "fitSeconds": fit_seconds, "totalSeconds": time.perf_counter() - started,
                      "cpuSeconds": time.process_time()}))


if __name__ == "__main__":
    main()
