"""Serves the JupyterLab 3.6.8 frontend built in build/ (scripts/jupyterlab-setup.sh) with
Debian's jupyterlab-server and jupyter-server.

    /usr/bin/python3 jupyterlab/dllessons_lab.py --ServerApp.root_dir=notebooks

takes every jupyter-server option (--port, --ServerApp.token, ...). scripts/jupyterlab.sh
starts it for learners; pkg/browsertest starts it for the browser test.
"""

import os
import sys

from jupyter_server.base.handlers import FileFindHandler
from jupyterlab_server import LabServerApp

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")

# Debian's libjs-mathjax (MathJax 2.7, as JupyterLab 3 expects); the default is a CDN.
MATHJAX_DIR = "/usr/share/javascript/mathjax"
MATHJAX_URL = "/mathjax/"


def fresh_page_config(handler, page_config):
    """jupyterlab-server 2.16 keeps one page-config dict for every request, and its not-found
    handler writes notFoundUrl into it: after one unknown URL every page showed "Path Not
    Found". Each page gets its own copy without it (the not-found handler adds it to the copy).
    """
    config = dict(page_config)
    config.pop("notFoundUrl", None)
    return config


def _jupyter_server_extension_points():
    return [{"module": "dllessons_lab", "app": DllessonsLab}]


class DllessonsLab(LabServerApp):
    name = "dllessons_lab"
    app_name = "JupyterLab"
    app_version = "3.6.8"
    extension_url = "/lab"
    default_url = "/lab"
    load_other_extensions = False
    # Containers and CI run as root; jupyter-server refuses to unless told.
    serverapp_config = {"allow_root": True}

    static_dir = BUILD
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    templates_dir = os.path.join(HERE, "templates")
    # overrides.json: no update check, no news prompt (both would call the internet).
    app_settings_dir = os.path.join(HERE, "settings")

    def initialize_settings(self):
        super().initialize_settings()
        settings = self.serverapp.web_app.settings
        settings["terminals_available"] = False
        settings["page_config_hook"] = fresh_page_config
        settings["mathjax_url"] = self.serverapp.base_url.rstrip("/") + MATHJAX_URL + "MathJax.js"

    def initialize_handlers(self):
        super().initialize_handlers()
        self.handlers.append((MATHJAX_URL + "(.*)", FileFindHandler, {"path": MATHJAX_DIR}))


def check_build():
    for path, what in ((os.path.join(BUILD, "bundle.js"), "the JupyterLab build"),
                       (os.path.join(MATHJAX_DIR, "MathJax.js"), "MathJax (Debian's libjs-mathjax)")):
        if not os.path.exists(path):
            sys.exit(f"dllessons_lab: {what} is missing ({path}): run scripts/setup.sh")


if __name__ == "__main__":
    check_build()
    # Through the module's own name (this folder is on sys.path), which jupyter-server uses to
    # find the extension: run as __main__, the class would be a second, unknown copy.
    import dllessons_lab

    dllessons_lab.DllessonsLab.launch_instance()
