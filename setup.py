"""Installable package for the Snowplow-compatible Beam pipeline, its collector and its tools."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def _requirements(name):
    lines = (HERE / name).read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


setup(
    name="snowplow-beam-pipeline",
    version="0.1.0",
    description="Snowplow-compatible enrich, validate and pseudonymize pipeline on Apache Beam",
    python_requires=">=3.11",
    packages=find_packages(include=["beam_pipeline*", "transforms*", "runners*", "collector*", "warehouse*"]),
    include_package_data=True,
    package_data={"transforms": ["*.thrift", "data/*", "iglu_registry/**/*"]},
    install_requires=_requirements("requirements.txt"),
    entry_points={
        "console_scripts": [
            "snowplow-pipeline=beam_pipeline.__main__:main",
            "snowplow-collector=collector.__main__:main",
            "snowplow-warehouse=warehouse.__main__:main",
            "snowplow-report=beam_pipeline.report:main",
            "snowplow-recover=beam_pipeline.recover:main",
        ],
    },
)
