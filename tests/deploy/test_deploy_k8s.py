"""deploy/k8s: every manifest parses, has its kind's required fields, sets only real
FEEDSVC_* settings, runs commands the entrypoint knows, and probes routes the app serves
on the port it listens on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from deploy_paths import DEPLOY
from deploy_settings import check_feedsvc_env

from feedsvc.config import Settings, load_config
from feedsvc.web.app import RENDER_KEY, create_app

K8S = DEPLOY / "k8s"
ROLES = {"feedsvc-web": "web", "feedsvc-worker": "worker", "feedsvc-migrate": "migrate"}


def _documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            assert isinstance(doc, dict), path
            assert {"apiVersion", "kind", "metadata"} <= set(doc), path
            assert doc["metadata"]["name"], path
            docs.append(doc)
    return docs


def _by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in _documents() if d["kind"] == kind}


def _containers() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(workload name, pod spec, container) for every Deployment and Job."""
    for kind in ("Deployment", "Job"):
        for name, doc in _by_kind(kind).items():
            pod = doc["spec"]["template"]["spec"]
            for container in pod["containers"]:
                yield name, pod, container


def test_kustomization_lists_every_manifest() -> None:
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(listed) == sorted(on_disk)


def test_the_cluster_has_web_worker_migration_service_and_config() -> None:
    kinds = sorted((d["kind"], d["metadata"]["name"]) for d in _documents())
    assert kinds == [
        ("ConfigMap", "feedsvc-config"),
        ("ConfigMap", "feedsvc-sources"),
        ("Deployment", "feedsvc-web"),
        ("Deployment", "feedsvc-worker"),
        ("Job", "feedsvc-migrate"),
        ("Secret", "feedsvc-secrets"),
        ("Service", "feedsvc-web"),
    ]
    for name, doc in _by_kind("Deployment").items():
        labels = doc["spec"]["template"]["metadata"]["labels"]
        assert doc["spec"]["selector"]["matchLabels"].items() <= labels.items(), name
    assert _by_kind("Deployment")["feedsvc-web"]["spec"]["replicas"] >= 2
    service = _by_kind("Service")["feedsvc-web"]["spec"]
    web_labels = _by_kind("Deployment")["feedsvc-web"]["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= web_labels.items()
    assert _by_kind("Job")["feedsvc-migrate"]["spec"]["template"]["spec"]["restartPolicy"] in (
        "OnFailure",
        "Never",
    )


def test_containers_are_non_root_bounded_and_run_their_role() -> None:
    for name, pod, container in _containers():
        assert container["image"], name
        assert container["args"] == [ROLES[name]], name
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), name
        assert {"cpu", "memory"} <= set(resources["limits"]), name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for mount in container.get("volumeMounts", []):
            assert mount["name"] in volumes, (name, mount)
        for source in container["envFrom"]:
            ref = source.get("configMapRef") or source["secretRef"]
            kind = "ConfigMap" if "configMapRef" in source else "Secret"
            assert ref["name"] in _by_kind(kind), (name, ref)


def _environment() -> dict[str, str]:
    env: dict[str, str] = {}
    env.update(_by_kind("ConfigMap")["feedsvc-config"]["data"])
    env.update(_by_kind("Secret")["feedsvc-secrets"]["stringData"])
    return env


def test_config_sets_only_real_settings_and_a_loadable_sources_file(
    tmp_path: Any,
) -> None:
    env = _environment()
    assert env and all(name.startswith("FEEDSVC_") for name in env)
    check_feedsvc_env(env, "deploy/k8s")
    sources = _by_kind("ConfigMap")["feedsvc-sources"]
    # The sources ConfigMap is mounted where FEEDSVC_CONFIG points.
    mounted = {
        m["mountPath"]
        for _, pod, container in _containers()
        for m in container["volumeMounts"]
        for v in pod["volumes"]
        if v["name"] == m["name"] and v.get("configMap", {}).get("name") == "feedsvc-sources"
    }
    folder, _, filename = env["FEEDSVC_CONFIG"].rpartition("/")
    assert mounted == {folder}
    path = tmp_path / filename
    path.write_text(sources["data"][filename])
    config = load_config(path, {})
    assert config.sources


@pytest.fixture
def app_paths() -> Iterator[set[str]]:
    async def no_reader(settings: Settings) -> Any:
        raise AssertionError("not started")

    app = create_app(Settings(), reader_factory=no_reader)
    yield {r.canonical for r in app.router.resources()}
    app[RENDER_KEY].shutdown()


def test_probes_ask_routes_the_app_serves_on_its_port(app_paths: set[str]) -> None:
    web = _by_kind("Deployment")["feedsvc-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    ports = {p["name"]: p["containerPort"] for p in web["ports"]}
    listen_port = int(_environment()["FEEDSVC_LISTEN"].rpartition(":")[2])
    for probe in ("livenessProbe", "readinessProbe"):
        get = web[probe]["httpGet"]
        assert get["path"] in app_paths, probe
        assert ports[get["port"]] == listen_port, probe
    service_port = _by_kind("Service")["feedsvc-web"]["spec"]["ports"][0]
    assert ports[service_port["targetPort"]] == listen_port
