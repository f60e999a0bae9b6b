"""Fits the training cases of svm-training's tests with scikit-learn itself (Debian's python3-sklearn 1.2.1).

Reads {"cases": [{"name", "X": [[...]], "heldOut": [[...]], "params": {...}}]} on stdin and writes, per case,
what the fitted Pipeline(StandardScaler, OneClassSVM) holds and predicts, as JSON on stdout (floats as repr,
which round-trips float64 exactly).
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM


def fit(case):
    X = np.asarray(case["X"], dtype=np.float64)
    held_out = np.asarray(case["heldOut"], dtype=np.float64)
    p = case["params"]
    if case.get("scalerOnly"):
        scaler = StandardScaler().fit(X)
        Z = scaler.transform(X)
        return {"name": case["name"], "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(), "gamma": float(1.0 / (Z.shape[1] * Z.var()))}
    svm = OneClassSVM(kernel=p.get("kernel", "rbf"), nu=p.get("nu", 0.5), gamma=p.get("gamma", "scale"),
                      degree=p.get("degree", 3), coef0=p.get("coef0", 0.0), tol=p.get("tol", 1e-3))
    pipe = Pipeline([("scaler", StandardScaler()), ("svm", svm)]).fit(X)
    scaler = pipe.named_steps["scaler"]
    return {
        "name": case["name"],
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "gamma": float(svm._gamma),
        "support": svm.support_.tolist(),
        "dualCoef": svm.dual_coef_[0].tolist(),
        "rho": float(-svm.intercept_[0]),
        "supportVectors": svm.support_vectors_.tolist(),
        "decision": pipe.decision_function(held_out).tolist(),
        "predict": pipe.predict(held_out).tolist(),
    }


def main():
    request = json.load(sys.stdin)
    json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "results": [fit(c) for c in request["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
