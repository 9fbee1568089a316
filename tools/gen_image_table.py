"""Generate dsl/data/image_uris.json: the image URIs `image(...)` resolves to, offline.

The table is what `sagemaker.image_uris.retrieve` returns in the pinned SDK, asked once for
every framework, scope, version (aliases too), Python version and processor its
`image_uri_config` knows, for us-east-1; the registry account of every region and the ECR
host name of each region are kept beside it, so a URI for any region is
`{account}.dkr.{host}/{repository}:{tag}`, as `retrieve` builds it. dsl/images.py reads it.

    python tools/gen_image_table.py          # rewrite the table
    python tools/gen_image_table.py --check  # exit 1 when it is not what the SDK gives
"""
from __future__ import annotations

import json
import logging
import os
import sys
import warnings

OUT = os.path.join(os.path.dirname(__file__), "..", "dsl", "data", "image_uris.json")
# The frameworks `image()` offers: the SDK's framework estimators and processors, and the
# built-in algorithms and monitors real pipelines use.
FRAMEWORKS = (
    "xgboost", "sklearn", "pytorch", "tensorflow", "mxnet", "spark", "huggingface",
    "linear-learner", "knn", "kmeans", "pca", "lda", "ntm", "blazingtext", "factorization-machines",
    "forecasting-deepar", "image-classification", "ipinsights", "object-detection", "object2vec",
    "randomcutforest", "semantic-segmentation", "seq2seq", "model-monitor", "clarify", "debugger",
    "sagemaker-base-python", "data-wrangler",
    "pytorch-training-compiler", "huggingface-training-compiler",
)
# the Training Compiler's images: `retrieve(<framework>, training_compiler_config=...)` reads
# these configs (the name `image()` and `compiler_config` look them up by)
COMPILER = {"pytorch-training-compiler": "pytorch", "huggingface-training-compiler": "huggingface"}
# an instance type for each processor a config names
INSTANCE_FOR = {"cpu": "ml.m5.xlarge", "gpu": "ml.p3.2xlarge", "inf": "ml.inf1.xlarge", "trn": "ml.trn1.2xlarge",
                "neuron": "ml.inf1.xlarge", "neuronx": "ml.trn1.2xlarge"}


def build() -> dict:
    os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    import sagemaker
    from sagemaker import image_uris, utils

    registries: list = []
    regions: set = set()

    def registry_index(registry: dict) -> int:
        if registry not in registries:
            registries.append(registry)
            regions.update(registry)
        return registries.index(registry)

    frameworks = {}
    for framework in FRAMEWORKS:
        if "-v" in sys.argv:
            print(framework, file=sys.stderr)
        config = image_uris.config_for_framework(framework)
        scopes = config.get("scope", [k for k in config if k not in ("scope", "version_aliases", "processors")])
        table = {"scopes": scopes, "shared_scope": "scope" in config, "by_scope": {}}
        for scope in scopes:
            scoped = image_uris._config_for_framework_and_scope(framework, scope)
            if "versions" not in scoped:
                continue
            versions = list(scoped["versions"]) + list(scoped.get("version_aliases", {}))
            entries, options = {}, {}
            for version in versions:
                version_config = scoped["versions"][image_uris._version_for_config(version, scoped)]
                bases = [None]
                if framework in ("huggingface", "huggingface-training-compiler"):
                    bases = [k for k in version_config if k not in ("version_aliases",)]
                    bases += list(version_config.get("version_aliases", {}))
                for base in bases:
                    inner = version_config
                    if base is not None:
                        inner = version_config[version_config.get("version_aliases", {}).get(base, base)]
                    pys = (inner.get("py_versions") if "repository" in inner else
                           [k for k in inner if k not in ("version_aliases",)]) or [None]
                    if framework == "spark" and None not in pys:
                        pys = pys + [None]  # without a Python version its tag has none (PySparkProcessor's)
                    processors = scoped.get("processors") or inner.get("processors") or [None]
                    for py in pys:
                        leaf = inner.get(py) or inner if py is not None else inner
                        for processor in processors:
                            instance = INSTANCE_FOR.get(processor) or (f"ml.{processor}.xlarge" if processor else None)
                            try:
                                extra = {}
                                if framework in COMPILER:
                                    from sagemaker.training_compiler.config import TrainingCompilerConfig

                                    extra["training_compiler_config"] = TrainingCompilerConfig()
                                uri = image_uris.retrieve(COMPILER.get(framework, framework), "us-east-1",
                                                          version=version, py_version=py, instance_type=instance,
                                                          image_scope=scope, base_framework_version=base, **extra)
                            except Exception:  # noqa: BLE001 - a combination the SDK refuses is not offered
                                continue
                            repository = uri.split("/", 1)[1]
                            key = "|".join(x or "" for x in (version, base, py, processor))
                            entries[key] = [registry_index(leaf["registries"]), repository]
                            option = options.setdefault(version, {"base": [], "py": [], "processor": []})
                            for name, value in (("base", base), ("py", py), ("processor", processor)):
                                if value is not None and value not in option[name]:
                                    option[name].append(value)
            if entries:
                table["by_scope"][scope] = {"entries": entries, "options": options,
                                            "single": list(scoped["versions"])[0] if len(scoped["versions"]) == 1 else None,
                                            "aliases": scoped.get("version_aliases", {})}
        frameworks[framework] = table
    resolver = utils._botocore_resolver()
    hosts = {}
    for region in sorted(regions):
        endpoint = resolver.construct_endpoint("ecr", region)
        if region == "il-central-1" and not endpoint:
            endpoint = {"hostname": f"ecr.{region}.amazonaws.com"}
        if endpoint:
            hosts[region] = endpoint["hostname"]
    return {
        "sdk": sagemaker.__version__,
        "graviton": {"frameworks": sorted(image_uris.GRAVITON_ALLOWED_FRAMEWORKS),
                     "families": sorted(image_uris.GRAVITON_ALLOWED_TARGET_INSTANCE_FAMILY)},
        "hosts": hosts,
        "registries": registries,
        "frameworks": frameworks,
    }


def render() -> str:
    return json.dumps(build(), separators=(",", ":"), sort_keys=False) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        with open(OUT, encoding="utf-8") as handle:
            if handle.read() != text:
                print("dsl/data/image_uris.json is stale: run python tools/gen_image_table.py")
                return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {os.path.normpath(OUT)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
