"""deploy/: what can be checked without an AWS account, a cluster or a terraform binary.

- Terraform: every .tf file parses (python-hcl2); references resolve; no secret value anywhere; checkov
  finds nothing, and every suppression says why (slow: checkov has a virtualenv of its own).
- Kubernetes: yamllint; the standard kinds validate against the Kubernetes schemas (kubernetes-validate),
  as written and as the aws overlay renders them (kubectl kustomize); the FlinkDeployment's structure.
- Drift: the stream names, lake prefixes, secret names, ports, health routes, options and image details
  in deploy/ are the code's own: the collector loads its manifest's settings, the pipeline accepts its
  manifest's command line, and the names equal the constants of the code.
"""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import require

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TERRAFORM = DEPLOY / "terraform"
MODULE = TERRAFORM / "modules" / "snowplow_pipeline"
EXAMPLE = TERRAFORM / "examples" / "complete"
KUBERNETES = DEPLOY / "kubernetes"
BASE = KUBERNETES / "base"
OVERLAY = KUBERNETES / "overlays" / "aws"
KUBERNETES_VERSIONS = ("1.30", "1.37")  # oldest EKS version with extended support we aim at; newest schemas


def _module(name: str):
    try:
        return __import__(name, fromlist=["_"])
    except ImportError:
        require(False, f"python package {name} is not installed (requirements-test.txt)")


# ---------------------------------------------------------------------------- helpers: Terraform
def _tf_files() -> list[Path]:
    return sorted(TERRAFORM.rglob("*.tf"))


@functools.lru_cache(maxsize=None)
def _hcl(path: Path) -> dict:
    hcl2 = _module("hcl2")
    with open(path) as handle:
        return hcl2.load(handle)


def _unquote(value):
    """python-hcl2 keeps the quotes of string literals: '"snowplow"' -> 'snowplow' (in lists and maps too)."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [_unquote(item) for item in value]
    return value


def _blocks(directory: Path, kind: str) -> dict:
    """name -> body of every `kind` block (variable, output, locals' entries) of a directory's .tf files."""
    found = {}
    for path in sorted(directory.glob("*.tf")):
        for block in _hcl(path).get(kind, []):
            for name, body in block.items():
                found[_unquote(name)] = body
    return found


def _module_locals() -> dict:
    return _blocks(MODULE, "locals")


def _variable_default(name: str):
    return _unquote(_blocks(MODULE, "variable")[name].get("default"))


def _interpolate(template: str) -> str:
    """A module local that is a string template over variables, with the variables' defaults."""
    template = _unquote(template)
    return re.sub(r"\$\{var\.([a-z_]+)\}", lambda m: str(_variable_default(m.group(1))), template)


def _tf_text(directory: Path) -> str:
    return "\n".join(path.read_text() for path in sorted(directory.glob("*.tf")))


def _strip_comments(text: str) -> str:
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines())


# ---------------------------------------------------------------------------- helpers: Kubernetes
def _yaml():
    return _module("yaml")


def _manifest_files() -> list[Path]:
    return sorted(path for path in BASE.rglob("*.yaml") if path.name != "kustomization.yaml")


def _documents(paths) -> list[dict]:
    docs = []
    for path in paths:
        docs += [doc for doc in _yaml().safe_load_all(path.read_text()) if doc]
    return docs


def _base_documents() -> list[dict]:
    return _documents(_manifest_files())


def _find(docs: list[dict], kind: str, name: str) -> dict:
    matches = [doc for doc in docs if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def _params() -> dict:
    return _find(_base_documents(), "ConfigMap", "snowplow-deploy-params")["data"]


def _params_env() -> dict:
    values = {}
    for line in (OVERLAY / "params.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def _container(pod_spec: dict, name: str) -> dict:
    matches = [c for c in pod_spec["containers"] if c["name"] == name]
    assert len(matches) == 1, f"no container {name}"
    return matches[0]


def _flink() -> dict:
    return _find(_base_documents(), "FlinkDeployment", "snowplow-pipeline")


def _collector_deployment() -> dict:
    return _find(_base_documents(), "Deployment", "snowplow-collector")


def _validate(doc: dict, version: str) -> None:
    kubernetes_validate = _module("kubernetes_validate")
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        raise AssertionError(f"{doc['kind']} {doc['metadata'].get('name')} (Kubernetes {version}): "
                             f"{exc.message} at {list(exc.path)}") from None


# ============================================================================ Terraform
def test_every_terraform_file_parses():
    files = _tf_files()
    assert len(files) >= 10
    for path in files:
        parsed = _hcl(path)
        assert parsed, f"{path} is empty"


def test_terraform_variables_and_outputs_are_documented():
    for directory in (MODULE, EXAMPLE):
        for name, body in _blocks(directory, "variable").items():
            assert _unquote(body.get("description")), f"{directory.name}: variable {name} has no description"
            assert body.get("type"), f"{directory.name}: variable {name} has no type"
        for name, body in _blocks(directory, "output").items():
            assert _unquote(body.get("description")), f"{directory.name}: output {name} has no description"


def test_terraform_references_resolve():
    """What `terraform validate` would catch first: unknown variables, locals and resources."""
    for directory in (MODULE, EXAMPLE):
        text = _strip_comments(_tf_text(directory))
        variables = set(_blocks(directory, "variable"))
        used_variables = set(re.findall(r"\bvar\.([a-z_0-9]+)", text))
        assert used_variables <= variables, f"undeclared variables: {used_variables - variables}"
        assert variables <= used_variables, f"unused variables: {variables - used_variables}"
        defined_locals = set(_blocks(directory, "locals"))
        used_locals = set(re.findall(r"\blocal\.([a-z_0-9]+)", text))
        assert used_locals <= defined_locals, f"undefined locals: {used_locals - defined_locals}"
        declared = set()
        for path in directory.glob("*.tf"):
            parsed = _hcl(path)
            for kind, prefix in (("resource", ""), ("data", "data.")):
                for block in parsed.get(kind, []):
                    for rtype, named in block.items():
                        for rname in named:
                            declared.add(f"{prefix}{_unquote(rtype)}.{_unquote(rname)}")
        referenced = {f"{data or ''}{rtype}.{rname}" for data, rtype, rname in
                      re.findall(r"(?<![\w.\"])(data\.)?(aws_[a-z0-9_]+)\.([a-z_][a-z0-9_]*)", text)}
        assert referenced <= declared, f"unknown resources: {referenced - declared}"


def test_example_root_passes_only_module_variables_and_every_required_one():
    module_variables = _blocks(MODULE, "variable")
    required = {name for name, body in module_variables.items() if "default" not in body}
    calls = _blocks(EXAMPLE, "module")
    call = calls["snowplow_pipeline"]
    assert _unquote(call["source"]) == "../../modules/snowplow_pipeline"
    arguments = {key for key in call if not key.startswith("__") and key != "source"}
    assert arguments <= set(module_variables), f"unknown module arguments: {arguments - set(module_variables)}"
    assert required <= arguments, f"required module variables not passed: {required - arguments}"
    module_outputs = set(_blocks(MODULE, "output"))
    used = set(re.findall(r"module\.snowplow_pipeline\.([a-z_]+)", _tf_text(EXAMPLE)))
    assert used <= module_outputs, f"unknown module outputs: {used - module_outputs}"


def test_no_secret_value_in_terraform():
    """Secrets exist as containers only: no version (value) resource, no value in any output."""
    text = _strip_comments(_tf_text(MODULE) + _tf_text(EXAMPLE))
    assert "aws_secretsmanager_secret_version" not in text
    assert "secret_string" not in text and "secret_binary" not in text
    assert "random_password" not in text


@pytest.mark.slow
@pytest.mark.registry
def test_checkov_passes_with_reasoned_suppressions_only():
    """checkov on deploy/terraform (its own virtualenv: its pins conflict with requirements.txt)."""
    done = subprocess.run([sys.executable, str(DEPLOY / "checkov.py"), "--json"],
                          capture_output=True, text=True, timeout=900)
    require(done.returncode != 3, f"checkov could not be installed: {done.stderr.strip()[-500:]}")
    assert done.stdout.strip(), f"no checkov report: {done.stderr[-2000:]}"
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["parsing_errors"] == 0
    assert summary["failed"] == 0, f"failed checks: {summary['failures']}"
    assert summary["skips_without_reason"] == []
    assert summary["passed"] > 100
    assert done.returncode == 0


# ============================================================================ Kubernetes
def test_manifests_pass_yamllint():
    config_module = _module("yamllint.config")
    linter = _module("yamllint.linter")
    config = config_module.YamlLintConfig(file=str(KUBERNETES / ".yamllint.yaml"))
    files = sorted(KUBERNETES.rglob("*.yaml")) + sorted(KUBERNETES.rglob("*.yml"))
    assert len(files) >= 12
    problems = []
    for path in files:
        problems += [f"{path.relative_to(ROOT)}:{p.line}: {p.desc} ({p.rule})"
                     for p in linter.run(path.read_text(), config, str(path))]
    assert problems == []


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_standard_kinds_validate_against_kubernetes_schemas(version):
    docs = [doc for doc in _base_documents() if doc["apiVersion"] != "flink.apache.org/v1beta1"]
    kinds = {doc["kind"] for doc in docs}
    assert {"Namespace", "ConfigMap", "ServiceAccount", "Deployment", "Service", "Ingress",
            "HorizontalPodAutoscaler", "PodDisruptionBudget", "Role", "RoleBinding"} <= kinds
    for doc in docs:
        _validate(doc, version)


def test_flink_pod_templates_validate_as_pod_templates():
    """The FlinkDeployment's pod templates are core PodTemplateSpecs: check them with Kubernetes' schema."""
    flink = _flink()
    templates = [flink["spec"]["podTemplate"], flink["spec"]["taskManager"]["podTemplate"]]
    for template in templates:
        spec = json.loads(json.dumps(template))
        for container in spec["spec"]["containers"]:
            container.setdefault("image", "placeholder")  # the operator fills the main container's image
        doc = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "check"}, "template": spec}
        for version in KUBERNETES_VERSIONS:
            _validate(doc, version)


def _rendered_overlay() -> list[dict]:
    kubectl = shutil.which("kubectl")
    require(kubectl, "kubectl (its built-in kustomize renders deploy/kubernetes/overlays/aws)")
    done = subprocess.run([kubectl, "kustomize", str(OVERLAY)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [doc for doc in _yaml().safe_load_all(done.stdout) if doc]


@pytest.mark.kubectl
def test_aws_overlay_renders_valid_manifests_with_the_accounts_values():
    docs = _rendered_overlay()
    env = _params_env()
    for doc in docs:
        if doc["apiVersion"] != "flink.apache.org/v1beta1":
            for version in KUBERNETES_VERSIONS:
                _validate(doc, version)
        assert doc["metadata"].get("namespace") in ("snowplow", None)
    text = json.dumps(docs)
    assert "123456789012:role/snowplow-collector" in text
    assert "replace-with-the-lake-bucket" not in text and "replace-me" not in text
    assert _find(docs, "ConfigMap", "snowplow-deploy-params")["data"] == env
    collector_sa = _find(docs, "ServiceAccount", "snowplow-collector")
    assert collector_sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == env["COLLECTOR_ROLE_ARN"]
    pipeline_sa = _find(docs, "ServiceAccount", "snowplow-pipeline")
    assert pipeline_sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == env["PIPELINE_ROLE_ARN"]
    deployment = _find(docs, "Deployment", "snowplow-collector")
    assert _container(deployment["spec"]["template"]["spec"], "collector")["image"] == env["COLLECTOR_IMAGE"]
    flink = _find(docs, "FlinkDeployment", "snowplow-pipeline")
    assert flink["spec"]["image"] == env["PIPELINE_IMAGE"]
    assert _container(flink["spec"]["taskManager"]["podTemplate"]["spec"], "beam-worker-pool")["image"] == \
        env["PIPELINE_IMAGE"]
    for key in ("state.checkpoints.dir", "state.savepoints.dir", "high-availability.storageDir"):
        assert flink["spec"]["flinkConfiguration"][key].startswith(f"s3://{env['LAKE_BUCKET']}/flink/")
    ingress = _find(docs, "Ingress", "snowplow-collector")
    assert ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/certificate-arn"] == \
        env["COLLECTOR_CERTIFICATE_ARN"]


FLINK_SPEC_KEYS = {"image", "imagePullPolicy", "serviceAccount", "flinkVersion", "ingress", "podTemplate",
                   "restartNonce", "flinkConfiguration", "logConfiguration", "jobManager", "taskManager", "job",
                   "mode"}
FLINK_JOB_KEYS = {"jarURI", "parallelism", "entryClass", "args", "state", "savepointTriggerNonce",
                  "initialSavepointPath", "checkpointTriggerNonce", "upgradeMode", "allowNonRestoredState",
                  "savepointRedeployNonce", "autoscalerResetNonce"}
FLINK_RESOURCE_KEYS = {"cpu", "memory", "ephemeralStorage"}


def test_flinkdeployment_structure():
    """The operator's CRD (flink.apache.org/v1beta1) is not a Kubernetes schema: check what it requires."""
    flink = _flink()
    assert flink["apiVersion"] == "flink.apache.org/v1beta1"
    spec = flink["spec"]
    assert set(spec) <= FLINK_SPEC_KEYS, f"unknown spec fields: {set(spec) - FLINK_SPEC_KEYS}"
    assert spec["flinkVersion"] == "v1_20"
    assert spec["serviceAccount"] == "snowplow-pipeline"
    # flinkConfiguration is map<string, string> in the CRD: a YAML number or boolean would be refused.
    assert all(isinstance(value, str) for value in spec["flinkConfiguration"].values())
    for role in ("jobManager", "taskManager"):
        resource = spec[role]["resource"]
        assert set(resource) <= FLINK_RESOURCE_KEYS
        assert re.fullmatch(r"\d+(m|g|Mi|Gi)", resource["memory"])
        assert isinstance(resource["cpu"], (int, float))
    job = spec["job"]
    assert set(job) <= FLINK_JOB_KEYS, f"unknown job fields: {set(job) - FLINK_JOB_KEYS}"
    assert job["upgradeMode"] in ("stateless", "savepoint", "last-state")
    assert job["state"] in ("running", "suspended")
    assert job["jarURI"].startswith("local:///")
    assert job["entryClass"] == "org.apache.beam.runners.flink.FlinkPortableClientEntryPoint"
    assert job["args"][0] == "--driver-cmd" and len(job["args"]) == 2
    assert "--job_endpoint" not in job["args"][1]  # the entry point appends it (and refuses a command with it)
    assert isinstance(job["parallelism"], int) and job["parallelism"] >= 1
    if job["upgradeMode"] == "last-state":
        assert spec["flinkConfiguration"]["high-availability.type"] == "kubernetes"
    main = _container(spec["podTemplate"]["spec"], "flink-main-container")
    assert "image" not in main  # the operator sets it from spec.image
    sidecar = _container(spec["taskManager"]["podTemplate"]["spec"], "beam-worker-pool")
    assert sidecar["command"][:3] == ["python", "-m", "apache_beam.runners.worker.worker_pool_main"]
    port = int(next(a for a in sidecar["command"] if a.startswith("--service_port=")).split("=")[1])
    assert [p["containerPort"] for p in sidecar["ports"]] == [port]
    flags = _driver_flags()
    assert flags["environment_type"] == "EXTERNAL"
    assert flags["environment_config"] == f"localhost:{port}"


# ============================================================================ drift: names
def test_lake_prefixes_are_the_pipelines():
    from snowplow_beam.lake.layout import ENRICHED_BAD, GOOD, RAW_BAD, TEMPORARY

    prefixes = {key: _unquote(value) for key, value in _module_locals()["lake_prefixes"].items()}
    assert prefixes == {GOOD: f"{GOOD}/", ENRICHED_BAD: f"{ENRICHED_BAD}/", RAW_BAD: f"{RAW_BAD}/"}
    assert _unquote(_module_locals()["temporary_prefix"]) == f"{TEMPORARY}/"
    assert sorted(_variable_default("snowpipe_prefixes")) == sorted(_unquote(p) for p in prefixes.values())
    # The alarms' metric names are the outputs' names (the pipeline's counters of the same names).
    alarms = (MODULE / "alarms.tf").read_text()
    assert re.search(r'metric_name = "good"', alarms)
    assert re.search(r'enriched = "enriched_bad", raw = "raw_bad"', alarms)
    assert {GOOD, ENRICHED_BAD, RAW_BAD} == {"good", "enriched_bad", "raw_bad"}


def test_flink_state_lives_under_the_modules_flink_prefix():
    flink_prefix = _unquote(_module_locals()["flink_prefix"])
    for key in ("state.checkpoints.dir", "state.savepoints.dir", "high-availability.storageDir"):
        value = _flink()["spec"]["flinkConfiguration"][key]
        assert value.startswith(f"s3://{_params()['LAKE_BUCKET']}/{flink_prefix}")


def test_stream_and_secret_names_match_between_terraform_manifests_and_code():
    locals_ = _module_locals()
    names = {
        "RAW_GOOD_STREAM": _interpolate(locals_["raw_good_stream_name"]),
        "RAW_BAD_STREAM": _interpolate(locals_["raw_bad_stream_name"]),
        "SALT_SECRET_ID": _interpolate(locals_["salt_secret_name"]),
    }
    assert names == {"RAW_GOOD_STREAM": "snowplow-raw-good", "RAW_BAD_STREAM": "snowplow-raw-bad",
                     "SALT_SECRET_ID": "snowplow/pseudonymization-salt"}
    params, env = _params(), _params_env()
    for key, value in names.items():
        assert params[key] == value, f"deploy/kubernetes/base/params.yaml {key}"
        assert env[key] == value, f"deploy/kubernetes/overlays/aws/params.env {key}"
    # Default stream names, once the code has them as constants (suggested: beam_pipeline/options.py).
    from snowplow_beam.beam_pipeline import options

    for constant, key in (("DEFAULT_RAW_GOOD_STREAM", "RAW_GOOD_STREAM"), ("DEFAULT_RAW_BAD_STREAM", "RAW_BAD_STREAM")):
        if hasattr(options, constant):
            assert getattr(options, constant) == names[key]


def test_terraform_writes_every_parameter_the_manifests_read():
    expression = _module_locals()["kubernetes_params"]
    terraform_keys = set(re.findall(r"\b([A-Z][A-Z0-9_]+) =", expression))
    assert terraform_keys == set(_params()), "output kubernetes_params vs deploy/kubernetes/base/params.yaml"
    assert set(_params_env()) == set(_params()), "overlays/aws/params.env vs base/params.yaml"
    # Every variable a container reads from the parameters exists.
    used = set(re.findall(r"\$\(([A-Z_]+)\)", json.dumps(_collector_deployment())))
    used |= set(re.findall(r"\$\{([A-Z_]+)\}", _flink()["spec"]["job"]["args"][1]))
    assert used <= set(_params())
    # The overlay's replacements read existing parameters.
    kustomization = _yaml().safe_load((OVERLAY / "kustomization.yaml").read_text())
    for replacement in kustomization["replacements"]:
        assert replacement["source"]["fieldPath"].removeprefix("data.") in _params()


def test_service_accounts_and_namespace_match_the_iam_trust():
    docs = _base_documents()
    namespace = _variable_default("kubernetes_namespace")
    assert _find(docs, "Namespace", namespace)
    assert all(doc["metadata"]["namespace"] == namespace for doc in docs if doc["kind"] != "Namespace")
    collector_sa = _variable_default("collector_service_account")
    pipeline_sa = _variable_default("pipeline_service_account")
    _find(docs, "ServiceAccount", collector_sa)
    _find(docs, "ServiceAccount", pipeline_sa)
    assert _collector_deployment()["spec"]["template"]["spec"]["serviceAccountName"] == collector_sa
    assert _flink()["spec"]["serviceAccount"] == pipeline_sa
    binding = _find(docs, "RoleBinding", "snowplow-pipeline")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": pipeline_sa, "namespace": namespace}]
    roles = {_interpolate(_module_locals()[f"{role}_role_name"]) for role in ("collector", "pipeline")}
    arns = {_params()["COLLECTOR_ROLE_ARN"].rsplit("/", 1)[1], _params()["PIPELINE_ROLE_ARN"].rsplit("/", 1)[1]}
    assert roles == arns


# ============================================================================ drift: the collector
def _expand_kubernetes(args: list[str], env: dict) -> list[str]:
    return [re.sub(r"\$\(([A-Z_]+)\)", lambda m: env[m.group(1)], arg) for arg in args]


def _collector_settings(tmp_path):
    from snowplow_beam.collector.config import load_settings

    deployment = _collector_deployment()
    container = _container(deployment["spec"]["template"]["spec"], "collector")
    config_map = _find(_base_documents(), "ConfigMap", "snowplow-collector-config")
    mount = next(m for m in container["volumeMounts"] if m["name"] == "config")
    args = _expand_kubernetes(container["args"], _params())
    config_path = args[args.index("--config") + 1]
    assert config_path.startswith(mount["mountPath"] + "/")
    local = tmp_path / Path(config_path).name
    local.write_text(config_map["data"][Path(config_path).name])
    args[args.index("--config") + 1] = str(local)
    return load_settings(args), container, deployment


def test_collector_loads_its_manifest_settings(tmp_path):
    from snowplow_beam.collector.config import Settings

    settings, container, _ = _collector_settings(tmp_path)
    assert settings.sink == "kinesis"
    assert settings.good_stream == _params()["RAW_GOOD_STREAM"]
    assert settings.bad_stream == _params()["RAW_BAD_STREAM"]
    assert settings.host == "0.0.0.0"
    assert settings.port == Settings().port  # the code's default port, kept
    assert [p["containerPort"] for p in container["ports"] if p["name"] == "http"] == [settings.port]
    service = _find(_base_documents(), "Service", "snowplow-collector")
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert service["spec"]["selector"].items() <= \
        _collector_deployment()["spec"]["template"]["metadata"]["labels"].items()


def test_collector_probes_use_its_health_route_and_shutdown_fits_the_grace_period(tmp_path):
    from snowplow_beam.collector.core import Handler, Request

    settings, container, deployment = _collector_settings(tmp_path)
    paths = {container[probe]["httpGet"]["path"] for probe in ("readinessProbe", "livenessProbe", "startupProbe")}
    ingress = _find(_base_documents(), "Ingress", "snowplow-collector")
    paths.add(ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/healthcheck-path"])
    assert len(paths) == 1
    health = paths.pop()
    answer = Handler(settings).handle(Request("GET", health, None, []))
    assert answer.response.status == 200 and answer.kind == "health"
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace >= int(pre_stop[1]) + settings.shutdown_timeout_s + 5
    delay = re.search(r"deregistration_delay.timeout_seconds=(\d+)",
                      ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/target-group-attributes"])
    assert int(pre_stop[1]) > int(delay.group(1))  # the pod keeps serving until the ALB stopped sending
    hpa = _find(_base_documents(), "HorizontalPodAutoscaler", "snowplow-collector")
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert "cpu" in container["resources"]["requests"]  # utilization is measured against the request
    assert "replicas" not in deployment["spec"]  # the HPA owns it


def _requirements() -> dict:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"\[.*\]", "", name).lower()] = version
    return pins


def _dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def _top_level_modules(distribution: str) -> set[str]:
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return {distribution.replace("-", "_")}
    top = dist.read_text("top_level.txt")
    if top:
        return {name.strip() for name in top.split() if name.strip()}
    names = {str(f).split("/")[0].removesuffix(".py") for f in dist.files or []}
    return {n for n in names if n.isidentifier() and not n.endswith((".dist-info", ".libs"))} or \
        {distribution.replace("-", "_")}


def _extra_requirements(extra: str | None) -> set[str]:
    """The distributions the installed package requires with ``extra`` (None: the core), from its metadata."""
    names = set()
    for requirement in importlib.metadata.distribution("snowplow-beam-pipeline").requires or []:
        spec, _, marker = requirement.partition(";")
        wanted = re.fullmatch(r'\s*extra\s*==\s*"([a-z]+)"\s*', marker).group(1) if marker else None
        if wanted == extra:
            names.add(re.split(r"[\[=<>~! ]", spec.strip(), maxsplit=1)[0].lower())
    return names


def _stage(name: str) -> str:
    return _dockerfile().split(f" AS {name}\n", 1)[1].split("\nFROM ", 1)[0]


def test_each_image_installs_the_wheel_with_its_extra_and_the_pins_as_constraints():
    for stage, extra in (("collector", "collector"), ("pipeline", "pipeline")):
        text = _stage(stage)
        assert re.search(rf'pip install [^\n]*-c /tmp/requirements\.txt "\$\(echo /tmp/wheels/\*\.whl\)\[{extra}\]"',
                         text), f"the {stage} stage installs the wheel with [{extra}], requirements.txt as constraints"
        assert " -r " not in text and "grep" not in text and "--no-deps" not in text
        assert _extra_requirements(extra), f"setup.py has no [{extra}] extra"


def test_collector_image_has_every_dependency_the_collector_imports():
    """The collector image installs the core and [collector] only: import the collector with every other pin hidden."""
    chosen = _extra_requirements(None) | _extra_requirements("collector")
    pins = _requirements()
    assert chosen <= set(pins), f"not in requirements.txt: {chosen - set(pins)}"
    assert "apache-beam" not in chosen and "pyarrow" not in chosen
    hidden = set()
    for name in set(pins) - chosen:
        hidden |= _top_level_modules(name)
    hidden -= {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"}  # boto3's own
    script = (
        "import importlib.abc, sys\n"
        f"HIDDEN = {sorted(hidden)!r}\n"
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in HIDDEN:\n"
        "            raise ImportError(f'{name} is not in the collector image')\n"
        "sys.meta_path.insert(0, Hide())\n"
        "import pkgutil, snowplow_beam.collector\n"
        "for module in pkgutil.walk_packages(snowplow_beam.collector.__path__, 'snowplow_beam.collector.'):\n"
        "    __import__(module.name)\n"
        "from snowplow_beam.collector.config import load_settings\n"
        "from snowplow_beam.collector.server import create_app\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd="/", timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_dockerfile_matches_the_manifests_and_the_pins():
    from snowplow_beam.collector.config import Settings

    docker = _dockerfile()
    beam = re.search(r"^ARG BEAM_VERSION=(\S+)$", docker, re.M).group(1)
    assert beam == _requirements()["apache-beam"], "Beam's Flink runner jar must match the Python SDK"
    flink_minor = re.search(r"^ARG FLINK_MINOR=(\S+)$", docker, re.M).group(1)
    assert _flink()["spec"]["flinkVersion"] == "v" + flink_minor.replace(".", "_")
    assert re.search(rf"^ARG FLINK_IMAGE=flink:{re.escape(flink_minor)}[-.]", docker, re.M)
    jar = re.search(r"beam-runners-flink-job-server\.jar (\S+)$", docker, re.M).group(1)
    assert _flink()["spec"]["job"]["jarURI"] == f"local://{jar}"
    assert re.search(r"^EXPOSE (\d+)$", docker, re.M).group(1) == str(Settings().port)
    uid = re.search(r"useradd .*--uid (\d+)", docker).group(1)
    pod = _collector_deployment()["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] == int(uid)
    assert _flink()["spec"]["podTemplate"]["spec"]["securityContext"]["runAsUser"] == 9999  # the flink image's user
    entrypoint = re.search(r'^ENTRYPOINT \["/usr/bin/tini", "--", "([a-z-]+)"\]$', docker, re.M).group(1)
    scripts = {script.name: script.value for script in importlib.metadata.entry_points(group="console_scripts")}
    assert scripts[entrypoint] == "snowplow_beam.collector.__main__:main"
    config_arg = re.search(r'^CMD \["--config", "([^"]+)"\]$', docker, re.M).group(1)
    container = _container(pod, "collector")
    assert config_arg == container["args"][container["args"].index("--config") + 1]
    # Every file the build copies from the repository exists, and the packages setup.py installs are copied.
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", docker, re.M):
        for source in sources.split():
            assert (ROOT / source).exists(), f"COPY {source}: missing"
    copied = {s.rstrip("/") for line in re.findall(r"^COPY (?!--from)(.+) \S+$", docker, re.M) for s in line.split()}
    rooms = re.search(r"^ROOMS = (\(.*?\))$", (ROOT / "setup.py").read_text(), re.M | re.S).group(1)
    for room in ast.literal_eval(rooms):
        assert room in copied, f"setup.py installs {room}/, the wheel stage does not copy it"
    # The build context (deploy/Dockerfile.dockerignore) lets those through.
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text()
    for source in copied:
        assert f"!{source}" in ignore or f"!{source}/**" in ignore


@pytest.mark.slow
def test_the_images_wheel_builds_from_what_the_dockerfile_copies(tmp_path):
    """The Dockerfile's wheel stage, replayed: copy what it copies, `pip wheel --no-deps .`, look inside."""
    source = tmp_path / "src"
    source.mkdir()
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", _dockerfile().split("AS wheel", 1)[1].split("FROM", 1)[0],
                              re.M):
        for item in sources.split():
            origin = ROOT / item.rstrip("/")
            if origin.is_dir():
                shutil.copytree(origin, source / origin.name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "target"))
            else:
                shutil.copy(origin, source / origin.name)
    # the build tools of pyproject.toml, as the image's pip fetches them; cargo reuses the checkout's build
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                           "--wheel-dir", str(tmp_path / "wheels"), str(source)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "CARGO_TARGET_DIR": str(ROOT / "native" / "target")})
    assert done.returncode == 0, done.stderr
    import zipfile

    wheel = next((tmp_path / "wheels").glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "snowplow_beam/transforms/native.abi3.so" in names, "the Rust core is not in the image's wheel"
    for needed in ("transforms/collector_payload.thrift", "transforms/data/pseudonymization.json",
                   "collector/__main__.py", "beam_pipeline/launcher.py", "runners/local.py", "warehouse/__main__.py"):
        assert f"snowplow_beam/{needed}" in names, f"{needed} is not in the image's wheel"
    assert any(name.startswith("snowplow_beam/transforms/iglu_registry/") for name in names)
    assert {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")} == {"snowplow_beam"}
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "snowplow-collector = snowplow_beam.collector.__main__:main" in text
    assert "snowplow-warehouse = snowplow_beam.warehouse.__main__:main" in text


# ============================================================================ drift: the pipeline
def _driver_command(params: dict | None = None) -> list[str]:
    """The FlinkDeployment's driver command, its ``${...}`` expanded with ``params`` (default: the base's)."""
    command = _flink()["spec"]["job"]["args"][1]
    params = _params() if params is None else params
    missing = set(re.findall(r"\$\{([A-Z_]+)\}", command)) - set(params)
    assert not missing, f"the driver command reads {missing}, not in snowplow-deploy-params"
    expanded = re.sub(r"\$\{([A-Z_]+)\}", lambda m: params[m.group(1)], command)
    return shlex.split(expanded)


def _driver_flags(params: dict | None = None) -> dict:
    flags = {}
    for arg in _driver_command(params)[3:]:
        name, _, value = arg.removeprefix("--").partition("=")
        flags[name] = value
    return flags


def test_pipeline_accepts_its_manifest_command_line():
    """Every flag of the driver command is an option of the pipeline or Beam; the start-up checks pass."""
    from apache_beam.options.pipeline_options import PipelineOptions

    from snowplow_beam.beam_pipeline.options import KinesisOptions, SnowplowOptions
    from snowplow_beam.beam_pipeline.launcher import STREAMING, check_startup, config_from_options
    from snowplow_beam.runners import prepare_runner
    from snowplow_beam.runners.flink import JOB_SERVER_OPTIONS
    from snowplow_beam.transforms.secrets import SALT_ENV

    command = _driver_command()
    assert command[:3] == ["python", "-m", "snowplow_beam.beam_pipeline"]
    argv = command[3:]
    options = PipelineOptions(argv)
    known = options.get_all_options(retain_unknown_options=False)
    for arg in argv:
        name = arg.removeprefix("--").partition("=")[0]
        assert name in known or name in JOB_SERVER_OPTIONS, f"--{name} is not a pipeline option"
    snowplow, kinesis = options.view_as(SnowplowOptions), options.view_as(KinesisOptions)
    params = _params()
    assert kinesis.kinesis_stream == params["RAW_GOOD_STREAM"]
    assert kinesis.raw_bad_stream == params["RAW_BAD_STREAM"]
    assert snowplow.output == f"s3://{params['LAKE_BUCKET']}"
    assert snowplow.salt_secret_id == params["SALT_SECRET_ID"]
    # Options given although they equal the code's defaults must stay equal to them.
    defaults = PipelineOptions([]).view_as(KinesisOptions)
    assert kinesis.window_seconds == defaults.window_seconds
    assert snowplow.good_format == PipelineOptions([]).view_as(SnowplowOptions).good_format
    check_startup(options, config_from_options(snowplow), STREAMING)
    prepare_runner(options, unbounded=True)  # the manifest's runner streams an unbounded read: not refused
    # The salt is read from Secrets Manager on the workers: never a value in the manifests (the environment
    # variable, if ever used, only from a Kubernetes secret).
    for env in (env for doc in _base_documents() for env in _all_env(doc)):
        if env.get("name") == SALT_ENV:
            assert "value" not in env and "secretKeyRef" in env.get("valueFrom", {})
    assert SALT_ENV not in json.dumps(_params())


# ============================================================================ drift: the Flink runner preset
FLINK_STATE_PATH = "s3://${LAKE_BUCKET}/flink/checkpoints"  # as the driver command writes it (bash expands it)


def _flink_preset():
    from snowplow_beam.runners.flink import FlinkSettings

    return FlinkSettings(state_backend_storage_path=FLINK_STATE_PATH)


def _flink_duration_ms(text: str) -> int:
    """A Flink duration as flinkConfiguration writes it (``60 s``, ``500 ms``, ``2 min``) in milliseconds."""
    match = re.fullmatch(r"(\d+)\s*(ms|s|min)", text)
    assert match, f"not a Flink duration: {text!r}"
    return int(match.group(1)) * {"ms": 1, "s": 1000, "min": 60_000}[match.group(2)]


def test_flinkdeployment_runs_the_flink_preset():
    """The driver command starts with the Flink preset's arguments; the deployment's settings are the preset's."""
    from apache_beam.options.pipeline_options import FlinkRunnerOptions

    from snowplow_beam.runners.flink import flink_args
    from snowplow_beam.runners.portable import worker_pool_command

    settings = _flink_preset()
    preset = flink_args(settings)
    written = shlex.split(_flink()["spec"]["job"]["args"][1])
    assert written[3:3 + len(preset)] == preset, "the driver command must start with runners.flink.flink_args"
    later = {arg.partition("=")[0] for arg in written[3 + len(preset):]}
    assert not later & {arg.partition("=")[0] for arg in preset}, "a preset option given again"
    spec = _flink()["spec"]
    configuration = spec["flinkConfiguration"]
    assert settings.flink_version in FlinkRunnerOptions.PUBLISHED_FLINK_VERSIONS
    assert spec["flinkVersion"] == "v" + settings.flink_version.replace(".", "_")
    assert spec["job"]["parallelism"] == settings.parallelism
    assert configuration["taskmanager.numberOfTaskSlots"] == "1"  # so parallelism = TaskManagers = worker pools
    assert _flink_duration_ms(configuration["execution.checkpointing.interval"]) == settings.checkpointing_interval_ms
    assert configuration["state.backend.type"] == settings.state_backend
    assert _driver_flags()["state_backend_storage_path"] == configuration["state.checkpoints.dir"]
    host, _, port = settings.worker_pool.rpartition(":")
    assert host == "localhost"  # beside each TaskManager, in its pod
    sidecar = _container(spec["taskManager"]["podTemplate"]["spec"], "beam-worker-pool")
    assert sidecar["command"] == worker_pool_command(int(port))
    docker = _dockerfile()
    assert re.search(r"^ARG FLINK_MINOR=(\S+)$", docker, re.M).group(1) == settings.flink_version
    assert re.search(r"^ARG BEAM_VERSION=(\S+)$", docker, re.M).group(1) == _requirements()["apache-beam"]


@pytest.mark.kubectl
def test_aws_overlay_keeps_the_flink_preset():
    """The overlay changes only the account's values: the preset's settings survive it, and the state path follows
    the account's bucket in the driver command and in flinkConfiguration alike."""
    rendered = _find(_rendered_overlay(), "FlinkDeployment", "snowplow-pipeline")["spec"]
    base = _flink()["spec"]
    assert rendered["job"]["args"] == base["job"]["args"]
    assert rendered["job"]["parallelism"] == base["job"]["parallelism"]
    assert rendered["flinkVersion"] == base["flinkVersion"]
    for key in ("taskmanager.numberOfTaskSlots", "execution.checkpointing.interval", "state.backend.type"):
        assert rendered["flinkConfiguration"][key] == base["flinkConfiguration"][key]
    env = _params_env()
    assert _driver_flags(env)["state_backend_storage_path"] == rendered["flinkConfiguration"]["state.checkpoints.dir"]
    assert rendered["flinkConfiguration"]["state.checkpoints.dir"] == f"s3://{env['LAKE_BUCKET']}/flink/checkpoints"


def _all_env(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "env" and isinstance(value, list):
                yield from value
            else:
                yield from _all_env(value)
    elif isinstance(node, list):
        for item in node:
            yield from _all_env(item)


def test_readme_names_only_files_that_exist():
    readme = (DEPLOY / "README.md").read_text()
    for path in set(re.findall(r"`((?:deploy|warehouse|beam_pipeline|collector|transforms|runners|tests)/[^`\s*]+)`", readme)):
        if path.startswith("warehouse/"):
            continue  # built by another change; referred to by command only
        assert (ROOT / path.rstrip("/")).exists(), f"deploy/README.md names {path}, which does not exist"
    for output in set(re.findall(r"terraform(?: -chdir=\S+)? output -raw ([a-z_]+)", readme)):
        assert output in _blocks(EXAMPLE, "output"), f"README uses output {output}, not in the example root"
