"""Packaging for wan_repro: everything is read from settings.ini, the one place nbdev keeps project facts."""
from configparser import ConfigParser

import setuptools

cfg = ConfigParser(delimiters=["="])
cfg.read("settings.ini", encoding="utf-8")
cfg = cfg["DEFAULT"]


def split(key):
    return cfg.get(key, "").split()


licenses = {"apache2": "Apache-2.0"}   # settings.ini's name -> the SPDX expression (license classifiers are deprecated)
extras = {"dev": split("dev_requirements"), "gpu": split("gpu_requirements"), "reward": split("reward_requirements"),
          "full": split("full_requirements"), "demo": split("demo_requirements")}
extras = {k: v for k, v in extras.items() if v}

setuptools.setup(
    name=cfg["lib_name"],
    version=cfg["version"],
    description=cfg["description"],
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    author=cfg["author"],
    author_email=cfg["author_email"],
    license=licenses[cfg["license"]],
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Natural Language :: English",
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
    url=cfg["git_url"],
    packages=setuptools.find_packages(include=[cfg["lib_name"], cfg["lib_name"] + ".*"]),
    # code only: the toy zoo's checkpoints (hundreds of MB) are a model repository of their own (wan_repro.toy.zoo_files
    # finds them in a checkout, $WAN_REPRO_ZOO or huggingface_hub's cache); only the 90 KB text encoder ships, so that
    # the Shapes world's prompts encode on a fresh install
    package_data={cfg["lib_name"]: ["zoo/text_encoder.safetensors", "zoo/text_encoder.json"]},
    include_package_data=False,
    install_requires=split("requirements"),
    extras_require=extras,
    python_requires=">=" + cfg["min_python"],
    zip_safe=False,
    entry_points={
        "console_scripts": split("console_scripts"),
        "nbdev": [f"{cfg['lib_name']}={cfg['lib_name']}._modidx:d"],
    },
)
