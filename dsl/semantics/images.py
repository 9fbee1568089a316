"""`image("xgboost", version = "1.7-1")`: the URI `sagemaker.image_uris.retrieve` returns in
the pinned SDK, looked up offline (LANGUAGE.md section 14).

The table (dsl/data/image_uris.json) is generated from the SDK by
tools/gen_image_table.py: for every framework, scope, version, Python version and processor
the SDK's `image_uri_config` knows, the repository and tag `retrieve` gives, and the registry
account of each region. What `retrieve` decides from its arguments before it looks a URI up
(the scope, the only version or Python version, the processor of an instance type, Graviton
instances) is decided here the same way.
"""
from __future__ import annotations

import functools
import json
import os
import re
from typing import Optional

from dsl.diagnostics import did_you_mean

# the arguments of `image(...)` (as `retrieve` names them), the framework first
ARGUMENTS = ("framework", "version", "py_version", "instance_type", "image_scope", "base_framework_version")


class ImageError(Exception):
    """An `image(...)` the SDK would refuse: `argument` names the one at fault."""

    def __init__(self, message: str, argument: str = "framework", hint: Optional[str] = None):
        super().__init__(message)
        self.message, self.argument, self.hint = message, argument, hint


@functools.lru_cache(maxsize=None)
def table() -> dict:
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "image_uris.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _family(instance_type: Optional[str]) -> str:
    match = re.match(r"^ml[\._]([a-z\d\-]+)\.?\w*$", instance_type) if isinstance(instance_type, str) else None
    return match[1] if match else ""


def _options(kind: str, values) -> str:
    values = list(values)
    shown = ", ".join(f'"{v}"' for v in values[:30]) + (", …" if len(values) > 30 else "")
    return f"{kind}: {shown}" if values else f"no {kind}"


def _pick(value, choices, what: str, argument: str):
    if value not in choices:
        close = did_you_mean(str(value), choices)
        raise ImageError(f"unknown {what} {json.dumps(value)}", argument,
                         close or _options(f"known {what}s", choices))
    return value


def _processor(instance_type, available):
    """`image_uris._processor`: cpu/gpu (or the instance family) of an instance type."""
    if not available:
        return None
    if len(available) == 1 and not instance_type:
        return available[0]
    if not instance_type:
        raise ImageError("this image needs `instance_type` (it differs for " + ", ".join(available) + ")",
                         "instance_type", 'e.g. instance_type = "ml.m5.xlarge"')
    if instance_type.startswith("local"):
        processor = "cpu" if instance_type == "local" else "gpu"
    elif instance_type.startswith("neuron"):
        processor = "neuron"
    else:
        family = _family(instance_type)
        if not family:
            raise ImageError(f"invalid instance type {json.dumps(instance_type)}", "instance_type",
                             'e.g. "ml.m5.xlarge"')
        if family in available:
            processor = family
        elif family.startswith("inf"):
            processor = "inf"
        elif family.startswith("trn"):
            processor = "trn"
        elif family[0] in ("g", "p"):
            processor = "gpu"
        else:
            processor = "cpu"
    if processor not in available:
        raise ImageError(f"no {processor} image for this version", "instance_type",
                         _options("processors", available))
    return processor


def retrieve(framework: str, region: str, version: Optional[str] = None, py_version: Optional[str] = None,
             instance_type: Optional[str] = None, image_scope: Optional[str] = None,
             base_framework_version: Optional[str] = None) -> str:
    """The image URI, or raise ImageError saying which argument is wrong and what is known."""
    data = table()
    frameworks = data["frameworks"]
    config = frameworks.get(framework)
    if config is None or not config["by_scope"]:
        close = did_you_mean(framework, frameworks)
        raise ImageError(f"no images known for framework {json.dumps(framework)}", "framework",
                         close or _options("frameworks", [f for f in frameworks if frameworks[f]["by_scope"]]))
    scopes = config["scopes"]
    scope = image_scope
    if framework in data["graviton"]["frameworks"] and _family(instance_type) in data["graviton"]["families"]:
        scope = "inference_graviton"
    elif scope is None and framework in ("xgboost", "sklearn"):
        scope = "training"
    if len(scopes) == 1:
        scope = scopes[0]
    elif scope is None and config["shared_scope"] and set(scopes) == {"training", "inference"}:
        scope = scopes[0]
    if scope is None:
        raise ImageError(f"`{framework}` images differ by scope: give `image_scope`", "image_scope",
                         _options("scopes", config["by_scope"]))
    scoped = config["by_scope"].get(scope)
    if scoped is None:
        raise ImageError(f"no {scope} images for `{framework}`", "image_scope", _options("scopes", config["by_scope"]))
    options = scoped["options"]
    if scoped["single"] is not None and version not in scoped["aliases"]:
        version = scoped["single"]
    if version is None:
        raise ImageError(f"`image(\"{framework}\")` needs `version`", "version", _options("versions", options))
    _pick(version, options, f"{framework} version", "version")
    option = options[version]
    base = base_framework_version
    if option["base"]:
        if base is None:
            raise ImageError(f"`{framework}` images need `base_framework_version`", "base_framework_version",
                             _options("versions", option["base"]))
        _pick(base, option["base"], "base framework version", "base_framework_version")
    else:
        base = None
    py = py_version
    if not option["py"]:
        py = None
    elif py is None and framework == "spark":
        py = None  # the SDK's spark images have a tag without the Python version too
    elif py is None and len(option["py"]) == 1:
        py = option["py"][0]
    else:
        if py is None:
            raise ImageError(f"`{framework}` {version} needs `py_version`", "py_version",
                             _options("Python versions", option["py"]))
        _pick(py, option["py"], "Python version", "py_version")
    processor = _processor(instance_type, option["processor"])
    entry = scoped["entries"].get("|".join(x or "" for x in (version, base, py, processor)))
    if entry is None:
        raise ImageError(f"the SDK has no `{framework}` {version} image for these arguments", "version")
    registry = data["registries"][entry[0]].get(region)
    if registry is None or region not in data["hosts"]:
        raise ImageError(f"no `{framework}` images in region {json.dumps(region)}", "region",
                         did_you_mean(region, data["registries"][entry[0]]) or
                         _options("regions", sorted(data["registries"][entry[0]])))
    return f"{registry}.dkr.{data['hosts'][region]}/{entry[1]}"
