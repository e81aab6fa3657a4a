"""Checks ONNX files latentkit wrote with the reference tools (issue #15): onnx.checker (full
check, with shape inference) accepts each, and ONNX Runtime's CPU build runs each on the feeds
given and reproduces the outputs latentkit computed.

    python scripts/check-onnx.py cases.json

cases.json: a list of {"model": path, "feeds": {name: {"dtype": "float32"|"int64", "shape": [...],
"data": [...]}}, "expected": {name: [...]}}. Prints one JSON line: each case's largest |a - b| over
the largest |b| of its outputs. Exits 1 when onnx or onnxruntime is not importable (the caller says
it skipped) and 2 when a check fails.
"""

import json
import sys

try:
    import numpy as np
    import onnx
    import onnxruntime as ort
except ImportError as e:  # the caller reports the skip
    print(json.dumps({"missing": str(e)}))
    sys.exit(1)


def main(path):
    cases = json.load(open(path))
    errors = []
    for case in cases:
        model = onnx.load(case["model"])
        onnx.checker.check_model(model, full_check=True)
        session = ort.InferenceSession(case["model"], providers=["CPUExecutionProvider"])
        feeds = {k: np.array(v["data"], dtype=v["dtype"]).reshape(v["shape"]) for k, v in case["feeds"].items()}
        outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))
        worst = 0.0
        for name, expected in case["expected"].items():
            got = outputs[name].astype(np.float64).ravel()
            want = np.array(expected, dtype=np.float64)
            worst = max(worst, float(np.max(np.abs(got - want)) / np.max(np.abs(want))))
        errors.append(worst)
    print(json.dumps({"onnx": onnx.__version__, "onnxruntime": ort.__version__, "errors": errors}))


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # a checker or runtime failure: the caller shows it
        print(json.dumps({"failed": f"{type(e).__name__}: {e}"}))
        sys.exit(2)
