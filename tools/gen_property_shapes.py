"""Regenerate plugins/kinds/property_shapes.json from botocore's SageMaker service model.

Step properties (`Train.ModelArtifacts.S3ModelArtifacts`) are checked against the Describe*
response shape of the step's kind, as the SDK builds its `Properties` tree from the same
model. The extract is shipped as data so nothing is read from botocore at run time:

    python tools/gen_property_shapes.py > plugins/kinds/property_shapes.json

Each shape is `["structure", {member: shape}]`, `["list", shape]`, `["map", shape]`, or a
scalar type name; only shapes reachable from the roots below are kept.
"""
import json
import sys

import botocore.session

ROOTS = [
    "DescribeTrainingJobResponse",
    "DescribeProcessingJobResponse",
    "DescribeTransformJobResponse",
    "DescribeHyperParameterTuningJobResponse",
    "ListTrainingJobsForHyperParameterTuningJobResponse",
    "DescribeModelOutput",
    "DescribeModelPackageOutput",
]


def main():
    model = botocore.session.get_session().get_service_model("sagemaker")
    shapes = {}

    def visit(shape):
        if shape.name in shapes:
            return shape.name
        if shape.type_name == "structure":
            shapes[shape.name] = None  # cycles
            members = {name: visit(member) for name, member in shape.members.items()}
            shapes[shape.name] = ["structure", members]
        elif shape.type_name == "list":
            shapes[shape.name] = None
            shapes[shape.name] = ["list", visit(shape.member)]
        elif shape.type_name == "map":
            shapes[shape.name] = None
            shapes[shape.name] = ["map", visit(shape.value)]
        else:
            shapes[shape.name] = shape.type_name
        return shape.name

    for root in ROOTS:
        visit(model.shape_for(root))
    meta = {"source": f"botocore {botocore.__version__} sagemaker service model", "roots": ROOTS}
    json.dump({"_meta": meta, "shapes": dict(sorted(shapes.items()))}, sys.stdout, indent=0,
              sort_keys=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
