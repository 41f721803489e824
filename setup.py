"""One distribution for the pipeline, its collector and its tools, installed under the ``snowplow_beam`` namespace.

The repository keeps its rooms at the top level (``beam_pipeline/``, ``transforms/``, ...); installed, each is
``snowplow_beam.<room>``, so that generic names such as ``transforms``, ``collector`` or ``runners`` never collide
with another project's packages in a user's environment (a second top-level ``transforms`` would shadow ours or be
shadowed, depending on the order of ``sys.path``).

One extra per use, so that an image or a user installs only what its commands import: ``[pipeline]``
(``snowplow-pipeline``, ``snowplow-recover``), ``[collector]``, ``[warehouse]``, ``[report]``, and ``[all]``.
requirements.txt stays the one file of pins: the tag after a pin names its extras; an untagged pin is the core.

The per-event core is Rust (``native/``, a PyO3 extension installed as ``snowplow_beam.transforms.native``), built
by this install with the machine's cargo (setuptools-rust, release profile; ``pyproject.toml`` pins the build tools).
"""
import re
from pathlib import Path

from setuptools import find_packages, setup
from setuptools_rust import Binding, RustExtension

HERE = Path(__file__).parent
NAMESPACE = "snowplow_beam"
ROOMS = ("beam_pipeline", "transforms", "runners", "collector", "warehouse", "lake", "report", "recover")


def _pins(name):
    """The untagged pins of ``name`` (the core), and the pins of each extra its ``# [a, b]`` tags name (and ``all``)."""
    core, extras = [], {"all": []}
    for line in (HERE / name).read_text().splitlines():
        pin, _, tag = (part.strip() for part in line.partition("#"))
        if not pin:
            continue
        if tag and not re.fullmatch(r"\[[a-z, ]+\]", tag):
            raise ValueError(f"{name}: {line!r}: the comment after a pin must be its extras, as # [pipeline, report]")
        if not tag:
            core.append(pin)
            continue
        for extra in tag.strip("[]").split(","):
            extras.setdefault(extra.strip(), []).append(pin)
        extras["all"].append(pin)
    return core, extras


def _packages():
    packages = []
    for room in ROOMS:
        packages += [f"{NAMESPACE}.{room}"] + [f"{NAMESPACE}.{room}.{sub}" for sub in find_packages(room)]
    return packages


CORE_PINS, EXTRA_PINS = _pins("requirements.txt")

setup(
    name="snowplow-beam-pipeline",
    version="0.1.0",
    description="Snowplow-compatible enrich, validate and pseudonymize pipeline on Apache Beam",
    python_requires=">=3.11",
    packages=_packages(),
    package_dir={f"{NAMESPACE}.{room}": room for room in ROOMS},
    include_package_data=False,
    package_data={f"{NAMESPACE}.transforms": ["*.thrift", "data/*", "iglu_registry/**/*"]},
    rust_extensions=[RustExtension(
        f"{NAMESPACE}.transforms.native", path="native/Cargo.toml", binding=Binding.PyO3,
        features=["python"], py_limited_api=True, debug=False,
    )],
    zip_safe=False,
    install_requires=CORE_PINS,
    extras_require=EXTRA_PINS,
    entry_points={
        "console_scripts": [
            f"snowplow-pipeline={NAMESPACE}.beam_pipeline.__main__:main",
            f"snowplow-collector={NAMESPACE}.collector.__main__:main",
            f"snowplow-warehouse={NAMESPACE}.warehouse.__main__:main",
            f"snowplow-report={NAMESPACE}.report.__main__:main",
            f"snowplow-recover={NAMESPACE}.recover.__main__:main",
        ],
    },
)
