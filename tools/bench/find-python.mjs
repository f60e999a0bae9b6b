// Finds a Python interpreter that can run the seed baseline (scikit-learn and pandas importable). Debian's
// packages install under /usr/bin/python3, while `python3` on PATH may be another (pyenv) without them.
import { spawnSync } from "node:child_process";

/** How to get an interpreter the seed baseline can use, for the skip message. */
export const PYTHON_INSTALL_HINT =
  "install Debian's packages (sudo apt-get install python3-sklearn python3-pandas, for /usr/bin/python3) " +
  "or point BENCH_PYTHON at a python3 that has scikit-learn and pandas";

/**
 * The first of $BENCH_PYTHON, /usr/bin/python3, python3 and python (on PATH) that imports sklearn and pandas.
 * @returns {{ python: string, versions: string } | { python: null, tried: string[] }}
 */
export function findPython() {
  const candidates = [process.env.BENCH_PYTHON, "/usr/bin/python3", "python3", "python"].filter((c) => typeof c === "string" && c !== "");
  const tried = [];
  for (const python of [...new Set(candidates)]) {
    const r = spawnSync(python, ["-c", "import sklearn, pandas, sys; print(sys.version.split()[0], sklearn.__version__, pandas.__version__)"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    if (r.status === 0) {
      const [py, sk, pd] = r.stdout.trim().split(" ");
      return { python, versions: `python ${py}, scikit-learn ${sk}, pandas ${pd}` };
    }
    tried.push(`${python}: ${r.error ? r.error.message : (r.stderr.trim().split("\n").pop() ?? `exit ${r.status}`)}`);
  }
  return { python: null, tried };
}
