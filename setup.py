"""One distribution for the pipeline, its collector and its tools, installed under the ``snowplow_beam`` namespace.

The repository keeps its rooms at the top level (``beam_pipeline/``, ``transforms/``, ...); installed, each is
``snowplow_beam.<room>``, so that generic names such as ``transforms`` or ``collector`` never collide with
another project's packages in a user's environment.
"""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
NAMESPACE = "snowplow_beam"
ROOMS = ("beam_pipeline", "transforms", "runners", "collector", "warehouse", "lake", "report", "recover")


def _requirements(name):
    lines = (HERE / name).read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _packages():
    packages = []
    for room in ROOMS:
        packages += [f"{NAMESPACE}.{room}"] + [f"{NAMESPACE}.{room}.{sub}" for sub in find_packages(room)]
    return packages


setup(
    name="snowplow-beam-pipeline",
    version="0.1.0",
    description="Snowplow-compatible enrich, validate and pseudonymize pipeline on Apache Beam",
    python_requires=">=3.11",
    packages=_packages(),
    package_dir={f"{NAMESPACE}.{room}": room for room in ROOMS},
    include_package_data=False,
    package_data={f"{NAMESPACE}.transforms": ["*.thrift", "data/*", "iglu_registry/**/*"]},
    install_requires=_requirements("requirements.txt"),
    entry_points={
        "console_scripts": [
            f"snowplow-pipeline={NAMESPACE}.beam_pipeline.__main__:main",
            f"snowplow-collector={NAMESPACE}.collector.__main__:main",
            f"snowplow-warehouse={NAMESPACE}.warehouse.__main__:main",
            f"snowplow-report={NAMESPACE}.beam_pipeline.report:main",
            f"snowplow-recover={NAMESPACE}.beam_pipeline.recover:main",
        ],
    },
)
