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

import botocore.session

# (service, shape); shapes of other services than sagemaker are stored as "service:Shape".
ROOTS = [
    "DescribeTrainingJobResponse",
    "DescribeProcessingJobResponse",
    "DescribeTransformJobResponse",
    "DescribeHyperParameterTuningJobResponse",
    "ListTrainingJobsForHyperParameterTuningJobResponse",
    "DescribeModelOutput",
    "DescribeModelPackageOutput",
    ("emr", "Step"),
    # the requests the steps' `Arguments` are: where fields with a declared JSON place are
    # checked against the service's enums (approval status, instance types, input modes, ...)
    "CreateTrainingJobRequest",
    "CreateProcessingJobRequest",
    "CreateTransformJobRequest",
    "CreateHyperParameterTuningJobRequest",
    "CreateModelInput",
    "CreateModelPackageInput",
]


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

    for root in ROOTS:
        service, name = root if isinstance(root, tuple) else ("sagemaker", root)
        model = session.get_service_model(service)
        visit(model.shape_for(name), "" if service == "sagemaker" else service + ":")
    meta = {"source": f"botocore {botocore.__version__} service models (sagemaker, emr)",
            "roots": [":".join(r) if isinstance(r, tuple) else r for r in ROOTS]}
    json.dump({"_meta": meta, "shapes": dict(sorted(shapes.items()))}, sys.stdout, indent=0,
              sort_keys=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
