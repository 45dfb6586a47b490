"""Serves the test JupyterLab (built into build/ by build-app.js) on Debian's jupyterlab_server.

JupyterLab's own Python package (its LabApp) is not installable here; this is the same kind of
application, a LabServerApp, pointed at our build. Run it with Debian's /usr/bin/python3, e.g.
  /usr/bin/python3 server.py --ip=127.0.0.1 --port=8888 --allow-root --no-browser --ServerApp.token=T
    --TestLab.user_settings_dir=DIR --TestLab.workspaces_dir=DIR --TestLab.labextensions_path='["DIR"]'
See docs/jupyterlab-test-app.md for what works on jupyter_server 1.23.
"""
import os

from jupyter_server.utils import url_path_join as ujoin
from jupyterlab_server import LabServerApp

BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build")
APP_URL = "/lab"
# The traits that point jupyterlab_server at our build: its folders, and the URLs of the handlers it
# registers (it registers those whose URL is set, as JupyterLab's LabApp does).
BUILD_FOLDERS = {"app_settings_dir": "settings", "static_dir": "static", "templates_dir": "static",
                 "schemas_dir": "schemas", "themes_dir": "themes"}
HANDLER_URLS = {"labextensions_url": "extensions/", "settings_url": "api/settings/", "themes_url": "api/themes/",
                "listings_url": "api/listings/", "workspaces_api_url": "api/workspaces/",
                "translations_api_url": "api/translations/", "tree_url": "tree/"}


class TestLab(LabServerApp):
    name = "lab"
    app_name = "JupyterLab"
    load_other_extensions = False
    default_url = APP_URL

    def __init__(self, **traits):
        # Fixed at construction: the command line sets other traits (the settings, workspaces, extensions).
        ours = {"app_url": APP_URL}
        ours.update((trait, os.path.join(BUILD, folder)) for trait, folder in BUILD_FOLDERS.items())
        ours.update((trait, ujoin(APP_URL, url)) for trait, url in HANDLER_URLS.items())
        super().__init__(**{**ours, **traits})


def _jupyter_server_extension_points():
    # jupyter_server finds the application of a package (here this script, run as __main__) this way.
    return [{"module": __name__, "app": TestLab}]


if __name__ == "__main__":
    TestLab.launch_instance()
