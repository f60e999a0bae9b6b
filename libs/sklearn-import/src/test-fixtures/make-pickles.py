"""Writes the small pickles the sklearn-import tests read (run once, output committed):
/usr/bin/python3 make-pickles.py   (Debian's python3-sklearn 1.2.1, python3-joblib)

Valid variants (every kernel, protocols 2-5, a bare OneClassSVM, float32 big-endian and Fortran-order
arrays, joblib plain/zlib/gzip) with expected.json: the parameters as scikit-learn holds them and its
decision_function on a few points. Hostile and unsupported files: reduces that would run code, a classifier,
other pipelines, NaN parameters, mismatched shapes. Hostile reduces would only touch MARKER."""
import json, os, pickle, subprocess, builtins
import numpy as np, joblib
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler, MinMaxScaler
from sklearn.svm import OneClassSVM, SVC

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pickles")
MARKER = "/tmp/fleetscore-sklearn-import-hostile-marker"
rng = np.random.RandomState(7)
expected = {}

def fit(kernel, features=1, bare=False, **kw):
    X = rng.normal(5, 2, size=(60, features))
    svm = OneClassSVM(kernel=kernel, nu=0.2, **kw)
    model = svm if bare else Pipeline([("scaler", StandardScaler()), ("classifier", svm)])
    return model.fit(X), X[:5] + 0.37

def record(name, model, points, decide=True):
    svm = model if isinstance(model, OneClassSVM) else model.steps[-1][1]
    scaler = None if isinstance(model, OneClassSVM) else model.steps[0][1]
    f = svm.support_vectors_.shape[1]
    expected[name] = {
        "nFeatures": f,
        "scaler": {"mean": [float(v) for v in (scaler.mean_ if scaler is not None else np.zeros(f))],
                   "scale": [float(v) for v in (scaler.scale_ if scaler is not None else np.ones(f))]},
        "svm": {"kernel": svm.kernel, "gamma": float(svm._gamma), "coef0": float(svm.coef0), "degree": int(svm.degree),
                "supportVectors": [[float(v) for v in row] for row in svm.support_vectors_],
                "dualCoef": [float(v) for v in svm._dual_coef_[0]], "rho": float(-svm._intercept_[0]), "nu": float(svm.nu)},
        "points": points.tolist(),
        "decision": [float(v) for v in model.decision_function(points)] if decide else None,
    }

def dump(name, obj, protocol):
    with open(os.path.join(OUT, name), "wb") as fh:
        pickle.dump(obj, fh, protocol=protocol)

m, p = fit("rbf", gamma="scale"); record("model_1_1.pkl", m, p); dump("model_1_1.pkl", m, 2)
m, p = fit("linear", features=2); record("model_1_2.pkl", m, p); dump("model_1_2.pkl", m, 3)
m, p = fit("poly", features=2, degree=2, coef0=0.5, gamma=0.3); record("model_1_3.pkl", m, p); dump("model_1_3.pkl", m, 4)
m, p = fit("sigmoid", gamma=0.05, coef0=-0.2); record("model_1_4", m, p); dump("model_1_4", m, 5)
m, p = fit("rbf", features=2, bare=True, gamma="auto"); record("model_2_1.pkl", m, p); dump("model_2_1.pkl", m, 4)

# float32 big-endian arrays and a Fortran-order support vector matrix: read as stored, widened exactly.
m, p = fit("rbf", features=3, gamma=0.1)
svm, sc = m.steps[1][1], m.steps[0][1]
for est, names in ((svm, ["support_vectors_", "dual_coef_", "_dual_coef_", "intercept_", "_intercept_"]), (sc, ["mean_", "scale_"])):
    for n in names:
        setattr(est, n, getattr(est, n).astype(">f4").astype(np.float64).astype(">f4"))
record("model_2_2.pkl", m, p, decide=False)  # libsvm refuses big-endian buffers at predict time
dump("model_2_2.pkl", m, 4)
m, p = fit("poly", features=3, degree=3, gamma=0.2)
record("model_2_3.pkl", m, p)
m.steps[1][1].support_vectors_ = np.asfortranarray(m.steps[1][1].support_vectors_)  # libsvm wants C order to predict
dump("model_2_3.pkl", m, 4)

# joblib dumps: plain (arrays after the pickle opcodes, aligned), zlib and gzip compressed.
m, p = fit("rbf", features=2, gamma=0.5)
for name, compress in (("model_3_1.joblib", 0), ("model_3_2.joblib", 3), ("model_3_3.joblib", ("gzip", 3))):
    record(name, m, p); joblib.dump(m, os.path.join(OUT, name), compress=compress)

class Hostile:
    def __init__(self, fn, *args): self.fn, self.args = fn, args
    def __reduce__(self): return (self.fn, self.args)

dump("model_9_1.pkl", Hostile(os.system, f"touch {MARKER}"), 4)
dump("model_9_2.pkl", Hostile(subprocess.Popen, ["touch", MARKER]), 4)
dump("model_9_3.pkl", Hostile(builtins.eval, f"__import__('os').system('touch {MARKER}')"), 2)
dump("model_9_4.pkl", Hostile(builtins.__import__, "os"), 3)
m, _ = fit("rbf", gamma=0.1)
m.steps[1][1].nu = Hostile(os.system, f"touch {MARKER}")  # hidden deep inside a real pipeline
dump("model_9_5.pkl", m, 4)

X = rng.normal(size=(40, 2)); y = (X[:, 0] > 0).astype(int)
dump("model_8_1.pkl", SVC().fit(X, y), 4)                                                     # a classifier
dump("model_8_2.pkl", Pipeline([("s", MinMaxScaler()), ("c", OneClassSVM())]).fit(X), 4)     # another scaler
dump("model_8_3.pkl", Pipeline([("a", StandardScaler()), ("b", StandardScaler()), ("c", OneClassSVM())]).fit(X), 4)
m, _ = fit("rbf", gamma=0.1); m.steps[1][1]._dual_coef_[0, 0] = np.nan; dump("model_8_4.pkl", m, 4)      # NaN
m, _ = fit("rbf", gamma=0.1); m.steps[0][1].mean_ = np.zeros(2); dump("model_8_5.pkl", m, 4)             # 2 means, 1 feature
m, _ = fit("rbf", features=2, gamma=0.1); m.steps[1][1]._intercept_ = np.zeros(3); dump("model_8_6.pkl", m, 4)

with open(os.path.join(OUT, "expected.json"), "w") as fh:
    json.dump(expected, fh, indent=1)
