"""Regenerate dsl/data/property_shapes.json from botocore's SageMaker service model.

Step properties (`Train.ModelArtifacts.S3ModelArtifacts`) are checked against the Describe*
response shape of the step's kind, as the SDK builds its `Properties` tree from the same
model. The extract is shipped as data so nothing is read from botocore at run time:

    python tools/gen_property_shapes.py > dsl/data/property_shapes.json

Each shape is `["structure", {member: shape}]`, `["list", shape]`, `["map", shape]`,
`["enum", [values]]` (a string the service restricts), or a scalar type name; only shapes
reachable from the roots below are kept.
"""
import json
import sys

import botocore.model
import botocore.session

# Each built-in kind declares the shapes it reads: its `property_root` (what `Step.<...>`
# references walk) and its `request_shape` (whose enums check fields with a JSON place). A
# shape of another service than sagemaker is written "service:Shape" (an EMR step's).
EXTRA_ROOTS = ["ListTrainingJobsForHyperParameterTuningJobResponse"]  # a tuning step's second root


def roots():
    from dsl.extension.plugin_manager import build_registry

    kinds = build_registry(entry_points=False).kinds
    declared = [shape for kind in kinds.values() for shape in (kind.property_root, kind.request_shape) if shape]
    out = []
    for shape in declared + EXTRA_ROOTS:
        root = tuple(shape.split(":")) if ":" in shape else shape
        if root not in out:
            out.append(root)
    return out


def main():
    session = botocore.session.get_session()
    shapes = {}

    def visit(shape, prefix=""):
        key = prefix + shape.name
        if key in shapes:
            return key
        if shape.type_name == "structure":
            shapes[key] = None  # cycles
            members = {name: visit(member, prefix) for name, member in shape.members.items()}
            shapes[key] = ["structure", members]
        elif shape.type_name == "list":
            shapes[key] = None
            shapes[key] = ["list", visit(shape.member, prefix)]
        elif shape.type_name == "map":
            shapes[key] = None
            shapes[key] = ["map", visit(shape.value, prefix)]
        elif getattr(shape, "enum", None):
            shapes[key] = ["enum", list(shape.enum)]
        else:
            shapes[key] = shape.type_name
        return key

    ROOTS = []
    for root in roots():
        service, name = root if isinstance(root, tuple) else ("sagemaker", root)
        model = session.get_service_model(service)
        try:
            shape = model.shape_for(name)
        except botocore.model.NoShapeFoundError:
            # a kind that checks its own properties (a condition's `Outcome`, a callout's outputs)
            print(f"not a {service} shape (the kind checks it itself): {name}", file=sys.stderr)
            continue
        ROOTS.append(root)
        visit(shape, "" if service == "sagemaker" else service + ":")
    meta = {"source": f"botocore {botocore.__version__} service models (sagemaker, emr)",
            "roots": [":".join(r) if isinstance(r, tuple) else r for r in ROOTS]}
    json.dump({"_meta": meta, "shapes": dict(sorted(shapes.items()))}, sys.stdout, indent=0,
              sort_keys=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
