"""Checks of the deployment material that no schema makes: run by scripts/check-deployment.sh.

  manifests FILE --namespace NS   the chart rendered for one environment
  values FILE...                  Helm values files hold no secret
  compose COMPOSE ENV_EXAMPLE     docker-compose.yml against .env.example and itself
  dockerfiles FILE...             every Dockerfile: what it copies exists, non-root, healthcheck
  env-names README (--compose FILE | --manifests FILE)...
                                  every variable compose and Helm hand the platform's
                                  processes is documented, once, in README.md's
                                  configuration table
  jenkinsfile FILE                every shell step runs an executable pipeline script

Each prints one line per problem and exits 1 if there is any.
"""

import argparse
import fnmatch
import glob
import os
import re
import sys

import yaml

PROBLEMS = []

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PersistentVolume", "StorageClass", "IngressClass", "PriorityClass"}
# Names that carry a secret: never a literal in a manifest or a values file.
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|SIGNING_KEYS|COOKIE_KEYS|MACHINE_CLIENTS|TOKEN$|PRIVATE)",
                         re.IGNORECASE)
# Keys that name a Secret rather than hold one.
SECRET_REFERENCE = re.compile(r"(existingSecret|secretName)$")
# What a secret-named variable may hold literally: references to other variables, $(NAME),
# which Kubernetes expands from the Secret, or a switch (MARIADB_RANDOM_ROOT_PASSWORD=yes).
NOT_A_SECRET = re.compile(r"^((\$\([A-Z0-9_]+\))+|yes|no|true|false)$")
# A password inside a URL: user:password@host.
URL_PASSWORD = re.compile(r"://[^/:@\s]+:([^@\s]+)@")


def problem(where, message):
    PROBLEMS.append(f"{where}: {message}")


def load_all(path):
    with open(path, encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc]


def pod_spec(doc):
    spec = doc.get("spec", {})
    if doc["kind"] == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template", {}).get("spec", {})


# ----------------------------------------------------------------------------- manifests

def check_manifests(path, namespace):
    docs = load_all(path)
    if not docs:
        problem(path, "renders nothing")
    deployments, autoscaled, budgeted = set(), set(), set()
    for doc in docs:
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name")
        where = f"{path}: {kind}/{name}"
        if kind not in CLUSTER_SCOPED and doc["metadata"].get("namespace") != namespace:
            problem(where, f"namespace {doc['metadata'].get('namespace')!r}, not {namespace!r}")
        if kind == "Secret" and (doc.get("data") or doc.get("stringData")):
            problem(where, "a Secret with values rendered from values files")
        if kind == "Deployment":
            deployments.add(name)
            rolling = doc["spec"].get("strategy", {}).get("rollingUpdate", {})
            if rolling.get("maxUnavailable") not in (0, "0", "0%"):
                problem(where, "a rolling update may take a pod away before its successor is ready")
        if kind == "HorizontalPodAutoscaler":
            autoscaled.add(doc["spec"]["scaleTargetRef"]["name"])
        if kind == "PodDisruptionBudget":
            budgeted.add(name)
        if kind == "StatefulSet" and not doc["spec"].get("volumeClaimTemplates"):
            problem(where, "a StatefulSet without a persistent volume")
        if kind in WORKLOADS:
            check_pod(where, pod_spec(doc))
    for name in sorted(deployments - budgeted):
        problem(path, f"Deployment/{name} has no PodDisruptionBudget")
    for name in sorted(deployments - autoscaled):
        problem(path, f"Deployment/{name} has no HorizontalPodAutoscaler")


def check_pod(where, spec):
    for container in spec.get("containers", []):
        at = f"{where}: container {container['name']}"
        for probe in ("livenessProbe", "readinessProbe"):
            if probe not in container:
                problem(at, f"no {probe}")
        check_resources(at, container)
        check_env(at, container)
        image = container.get("image", "")
        if image.endswith(":latest") or ":" not in image.rsplit("/", 1)[-1]:
            problem(at, f"image {image!r} has no fixed tag")
    for container in spec.get("initContainers", []):
        at = f"{where}: init container {container['name']}"
        check_resources(at, container)
        check_env(at, container)


def check_resources(at, container):
    resources = container.get("resources", {})
    for bound in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in resources.get(bound, {}):
                problem(at, f"no {resource} in resources.{bound}")


def check_env(at, container):
    for variable in container.get("env", []):
        name, value = variable["name"], variable.get("value")
        if value is None:
            continue
        if SECRET_NAME.search(name) and not NOT_A_SECRET.match(value):
            problem(at, f"{name} is a literal, not from a Secret")
        password = URL_PASSWORD.search(value)
        if password and not NOT_A_SECRET.match(password.group(1)):
            problem(at, f"{name} holds a password in its URL, not from a Secret")


# ----------------------------------------------------------------------------- values

def check_values(paths):
    for path in paths:
        for doc in load_all(path):
            walk_values(path, doc, "")


def walk_values(path, node, at):
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{at}.{key}" if at else str(key)
            if (SECRET_NAME.search(str(key)) and not SECRET_REFERENCE.search(str(key))
                    and not isinstance(value, (dict, list)) and value not in ("", None)):
                problem(path, f"{here} holds a secret; give it at deploy time or in a Secret")
            walk_values(path, value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            walk_values(path, value, f"{at}[{index}]")


# ----------------------------------------------------------------------------- compose

INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def env_example_names(path):
    names = []
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=", line)
            if match:
                names.append(match.group(1))
    return names


def check_compose(compose_path, env_example_path):
    with open(compose_path, encoding="utf-8") as stream:
        text = stream.read()
    compose = yaml.safe_load(text)
    services = compose.get("services", {})
    volumes = set((compose.get("volumes") or {}).keys())
    documented = set(env_example_names(env_example_path))
    used = set(INTERPOLATION.findall(text))
    for name in sorted(used - documented):
        problem(compose_path, f"${{{name}}} is not in {env_example_path}")
    for name in sorted(documented - used):
        problem(env_example_path, f"{name} is not used by {compose_path}")
    # A one-shot service (others wait for it to complete) needs no healthcheck.
    one_shot = {target for service in services.values()
                for target, condition in (service.get("depends_on") or {}).items()
                if condition.get("condition") == "service_completed_successfully"}
    for name, service in services.items():
        where = f"{compose_path}: service {name}"
        if "healthcheck" not in service and name not in one_shot:
            problem(where, "no healthcheck")
        if service.get("ports") and name != "gateway":
            problem(where, "publishes a port; only the gateway may")
        for target, condition in (service.get("depends_on") or {}).items():
            if target not in services:
                problem(where, f"depends on {target}, which is no service")
            elif condition.get("condition") == "service_healthy" and \
                    "healthcheck" not in services[target]:
                problem(where, f"waits for {target} to be healthy, which has no healthcheck")
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source")
            if source.startswith((".", "/")):
                if not os.path.exists(os.path.join(os.path.dirname(compose_path) or ".", source)):
                    problem(where, f"mounts {source}, which does not exist")
            elif source not in volumes:
                problem(where, f"uses volume {source}, which is not declared")
        build = service.get("build")
        if build:
            dockerfile = os.path.join(build.get("context", "."), build.get("dockerfile", "Dockerfile"))
            if not os.path.exists(os.path.join(os.path.dirname(compose_path) or ".", dockerfile)):
                problem(where, f"builds from {dockerfile}, which does not exist")


# ----------------------------------------------------------------------------- dockerfiles

def dockerfile_instructions(path):
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    with open(path, encoding="utf-8") as stream:
        text = re.sub(r"\\\n", " ", stream.read())
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            yield keyword.upper(), rest.strip()


def dockerignored(path, patterns):
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        candidates = [pattern, f"{pattern}/*"]
        if pattern.startswith("**/"):
            candidates += [pattern[3:], f"{pattern[3:]}/*"]
        if any(fnmatch.fnmatch(path, candidate) for candidate in candidates):
            ignored = not negate
    return ignored


def check_dockerfiles(paths, context="."):
    ignore_file = os.path.join(context, ".dockerignore")
    with open(ignore_file, encoding="utf-8") as stream:
        ignore = [line.strip() for line in stream if line.strip() and not line.startswith("#")]
    node_versions = set()
    for path in paths:
        stages, user, healthcheck = 0, None, False
        for keyword, rest in dockerfile_instructions(path):
            if keyword == "FROM":
                stages += 1
                user, healthcheck = None, False  # what counts is the final stage's
            elif keyword == "ARG" and rest.startswith("NODE_VERSION="):
                node_versions.add(rest.split("=", 1)[1])
            elif keyword == "USER":
                user = rest
            elif keyword == "HEALTHCHECK":
                healthcheck = True
            elif keyword == "COPY" and "--from=" not in rest:
                sources = [arg for arg in rest.split() if not arg.startswith("--")][:-1]
                for source in sources:
                    if not glob_exists(os.path.join(context, source)):
                        problem(path, f"copies {source}, which does not exist")
                    elif source not in (".", "./") and dockerignored(os.path.normpath(source), ignore):
                        problem(path, f"copies {source}, which .dockerignore leaves out")
        if stages < 2:
            problem(path, "not a multi-stage build")
        if user is None or not re.match(r"^[1-9][0-9]*(:[0-9]+)?$", user):
            problem(path, f"the final stage's USER is {user!r}, not a numeric non-root user")
        if not healthcheck:
            problem(path, "no HEALTHCHECK")
    if len(node_versions) > 1:
        problem("Dockerfiles", f"disagree on NODE_VERSION: {sorted(node_versions)}")


def glob_exists(pattern):
    return bool(glob.glob(pattern))


# ----------------------------------------------------------------------------- env names

def readme_variables(path):
    """The variables of README.md's configuration table (its first column), each once."""
    names, in_table = set(), False
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("## "):
                in_table = line.strip() == "## Configuration reference"
            elif in_table and line.startswith("| `"):
                for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]):
                    if name in names:
                        problem(path, f"{name} is documented twice in the configuration table")
                    names.add(name)
    return names


def check_env_names(readme, composes, manifests):
    documented = readme_variables(readme)
    if not documented:
        problem(readme, "no configuration table found under '## Configuration reference'")
        return
    for path in composes:
        with open(path, encoding="utf-8") as stream:
            services = yaml.safe_load(stream).get("services", {})
        for name, service in services.items():
            if "build" not in service:
                continue  # third-party images: their own variables
            for variable in service.get("environment") or {}:
                if variable not in documented:
                    problem(path, f"service {name}: {variable} is not documented in {readme}")
    for path in manifests:
        for doc in load_all(path):
            names = []
            if doc["kind"] == "ConfigMap" and doc["metadata"]["name"].endswith("-config"):
                names = list(doc.get("data", {}))
            elif doc["kind"] == "Deployment":
                for container in pod_spec(doc).get("containers", []):
                    names += [variable["name"] for variable in container.get("env", [])]
            for variable in names:
                if variable not in documented:
                    problem(path, f"{doc['kind']}/{doc['metadata']['name']}: {variable} "
                                  f"is not documented in {readme}")


# ----------------------------------------------------------------------------- jenkinsfile

def check_jenkinsfile(path):
    with open(path, encoding="utf-8") as stream:
        steps = re.findall(r"\bsh\s+'([^']*)'", stream.read())
    if not steps:
        problem(path, "has no shell step")
    for step in steps:
        script = step.split()[0]
        if not re.match(r"^scripts/pipeline/[a-z-]+\.sh$", script):
            problem(path, f"the step `{step}` runs no script of scripts/pipeline/")
        elif not os.access(script, os.X_OK):
            problem(path, f"the step `{step}` runs {script}, which is missing or not executable")


# ----------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    manifests = commands.add_parser("manifests")
    manifests.add_argument("file")
    manifests.add_argument("--namespace", required=True)
    commands.add_parser("values").add_argument("files", nargs="+")
    compose = commands.add_parser("compose")
    compose.add_argument("compose")
    compose.add_argument("env_example")
    commands.add_parser("dockerfiles").add_argument("files", nargs="+")
    env_names = commands.add_parser("env-names")
    env_names.add_argument("readme")
    env_names.add_argument("--compose", action="append", default=[])
    env_names.add_argument("--manifests", action="append", default=[])
    commands.add_parser("jenkinsfile").add_argument("file")
    args = parser.parse_args()

    if args.command == "manifests":
        check_manifests(args.file, args.namespace)
    elif args.command == "values":
        check_values(args.files)
    elif args.command == "compose":
        check_compose(args.compose, args.env_example)
    elif args.command == "dockerfiles":
        check_dockerfiles(args.files)
    elif args.command == "jenkinsfile":
        check_jenkinsfile(args.file)
    else:
        check_env_names(args.readme, args.compose, args.manifests)

    for line in PROBLEMS:
        print(f"  {line}")
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    sys.exit(main())
