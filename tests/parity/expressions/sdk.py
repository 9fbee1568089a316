from sagemaker.workflow.execution_variables import ExecutionVariables as EV
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline

threshold = ParameterFloat(name="Threshold", default_value=0.7)
name = ParameterString(name="Name", default_value="n")
execution_vars = FailStep(name="ExecutionVars", error_message=Join(on=",", values=[
    EV.PIPELINE_NAME, EV.PIPELINE_ARN, EV.PIPELINE_EXECUTION_ID, EV.PIPELINE_EXECUTION_ARN,
    EV.START_DATETIME, EV.CURRENT_DATETIME, EV.TRAINING_JOB_NAME, EV.PROCESSING_JOB_NAME]))
folded = FailStep(name="Folded", error_message="s3://my-bucket/runs/x $notinterpolated ${Threshold} $ alone",
                  display_name="Folded message", description="no Join here")
mixed = FailStep(name="Mixed", error_message=Join(on="", values=[
    "s3://my-bucket/runs/", name, "/", 3, "/", 0.5, "/", True, "/", EV.PIPELINE_EXECUTION_ID]),
    depends_on=[folded, execution_vars])
alone = FailStep(name="Alone", error_message=Join(on="", values=[threshold]))
literal = FailStep(name="Literal", error_message="tab\tquote\"backslash\\unicode\u00e9 \U0001F600 é")
join_default = FailStep(name="JoinDefault", error_message=Join(values=["a", name, 1, 2.5, True]))
nested = FailStep(name="Nested", error_message=Join(on="-", values=[
    Join(on="", values=["x", name]), Join(on="", values=[name, "!"]), "s3://my-bucket/runs"]))
empty = FailStep(name="Empty", depends_on=["Nested"])
pipeline = Pipeline(name="Expressions", parameters=[threshold, name],
                    steps=[execution_vars, folded, mixed, alone, literal, join_default, nested, empty])
