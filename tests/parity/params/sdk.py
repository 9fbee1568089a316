from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.parameters import (
    ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString,
)
from sagemaker.workflow.pipeline import Pipeline

untyped = ParameterString(name="Untyped")
empty = ParameterString(name="Empty", default_value="")
mode = ParameterString(name="Mode", enum_values=["fast", "full", "debug"])
mode_d = ParameterString(name="ModeWithDefault", default_value="b", enum_values=["a", "b"])
zero = ParameterInteger(name="Zero", default_value=0)
big = ParameterInteger(name="Big", default_value=-12345678901)
whole = ParameterFloat(name="WholeFloat", default_value=1.0)
zero_f = ParameterFloat(name="ZeroFloat", default_value=0.0)
small = ParameterFloat(name="Small", default_value=1e-3)
yes = ParameterBoolean(name="Yes", default_value=True)
no = ParameterBoolean(name="No", default_value=False)
params = [untyped, empty, mode, mode_d, zero, big, whole, zero_f, small, yes, no]
values = []
for p in params:
    values += [p, "/"]
step = FailStep(name="Report", error_message=Join(on="", values=values[:-1]))
pipeline = Pipeline(name="Params", parameters=params, steps=[step])
