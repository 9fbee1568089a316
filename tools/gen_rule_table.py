"""Generate plugins/kinds/debugger_rules.json: the SDK's built-in Debugger and Profiler rules.

`rules = [{ rule: "VanishingGradient" }, …]` on a training step is what
`Rule.sagemaker(rule_configs.vanishing_gradient())` or
`ProfilerRule.sagemaker(rule_configs.CPUBottleneck(...))` make. What they make comes from the
`smdebug_rulesconfig` package the pinned SDK installs: each Debugger rule's function returns
its parameters and the tensor collections it needs; each Profiler rule's class holds its
parameters with their defaults, in order. The table keeps both, so transpiling needs neither
package. plugins/kinds/_rules.py reads it.

    python tools/gen_rule_table.py          # rewrite the table
    python tools/gen_rule_table.py --check  # exit 1 when it is not what the package gives
"""
from __future__ import annotations

import inspect
import json
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "plugins", "kinds", "debugger_rules.json")


def build() -> dict:
    import smdebug_rulesconfig as configs
    import smdebug_rulesconfig.profiler_rules.rules as profiler

    debugger = {}
    for name, function in sorted(inspect.getmembers(configs, inspect.isfunction)):
        if inspect.signature(function).parameters:
            continue  # helpers (get_collection, is_valid_action_object)
        made = function()
        if not isinstance(made, dict) or "DebugRuleConfiguration" not in made:
            continue
        rule = made["DebugRuleConfiguration"]
        debugger[rule["RuleConfigurationName"]] = {
            "function": name,
            "parameters": rule.get("RuleParameters", {}),
            "collections": [{"name": c["CollectionName"], "parameters": c.get("CollectionParameters", {})}
                            for c in made.get("CollectionConfigurations", [])],
        }
    rules = {}
    for name, cls in sorted(inspect.getmembers(profiler, inspect.isclass)):
        if cls.__module__ != profiler.__name__ or name == "ProfilerRuleBase" or not hasattr(configs, name):
            continue
        signature = inspect.signature(cls.__init__).parameters
        free = any(p.kind is p.VAR_KEYWORD for p in signature.values())
        # parameter -> default, in the order the class writes them (ProfilerReport takes any
        # `<rule>_<parameter>` and writes them in the order given)
        rules[name] = {"parameters": {} if free else {k: v for k, v in cls().rule_parameters.items()
                                                     if k != "rule_to_invoke"},
                       "prefixed": free}
    return {"debugger": debugger, "profiler": rules}


def main(argv) -> int:
    table = build()
    text = json.dumps(table, indent=1, sort_keys=False) + "\n"
    if "--check" in argv:
        with open(OUT, encoding="utf-8") as handle:
            same = handle.read() == text
        print("up to date" if same else f"{OUT} differs from the SDK's rules: run tools/gen_rule_table.py")
        return 0 if same else 1
    with open(OUT, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {OUT}: {len(table['debugger'])} Debugger rules, {len(table['profiler'])} Profiler rules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
