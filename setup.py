"""Packages and package data (the metadata is in pyproject.toml).

``data/`` and ``scenarios/`` are top-level folders of the project, where analysts find and edit
them; a package-dir mapping installs them inside the package as ``model/data`` and
``model/scenarios``, so that ``pip install .`` (not editable) works from any folder
(:func:`model.inputs.data.shipped`).
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["model", "model.*"]), "model.data", "model.scenarios"],
    package_dir={"model.data": "data", "model.scenarios": "scenarios"},
    package_data={
        "model.data": ["*.csv", "*.json"],
        "model.scenarios": ["*.toml"],
        "model.present": ["*.toml", "templates/*.j2"],
    },
)
