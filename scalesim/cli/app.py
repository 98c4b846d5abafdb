"""``scalesim app``: start the web app (Streamlit) on this machine; needs the ``[app]`` extra."""

from __future__ import annotations

import os
import subprocess
import sys

from scalesim.cli._common import int_arg

#: Server settings the repository's .streamlit/config.toml gives a checkout, as flags, so the
#: installed app behaves the same from any working folder.
SETTINGS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.fileWatcherType": "none",
    "server.maxUploadSize": "1",
    "theme.base": "light",
    "client.toolbarMode": "minimal",
}


def register(sub) -> None:
    p = sub.add_parser(
        "app",
        help="start the web app (needs the [app] extra)",
        description="Start the scalesim web app with Streamlit and print its address; stop it "
        "with Ctrl-C. Needs the [app] extra: pip install 'scalesim[app]'.",
    )
    p.add_argument("-p", "--port", type=int_arg, default=8501, help="TCP port (default 8501)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.set_defaults(func=main)


def command(port: int, host: str = "127.0.0.1") -> list[str]:
    """The command line that serves the app: ``python -m scalesim.app.launch run app.py ...``
    (``streamlit run`` with the app's heavy imports made before the server starts)."""
    from scalesim.scenario import catalog

    flags = [f"--{k}={v}" for k, v in SETTINGS.items()]
    script = catalog.shipped("app.py")
    return [
        sys.executable,
        "-m",
        "scalesim.app.launch",
        "run",
        str(script),
        *flags,
        f"--server.port={port}",
        f"--server.address={host}",
    ]


def main(args) -> int:
    import importlib.util

    if importlib.util.find_spec("streamlit") is None:
        raise ModuleNotFoundError("No module named 'streamlit'", name="streamlit")
    print(f"scalesim app: http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    cmd = command(args.port, args.host)
    if os.name == "posix":
        # Become the server: a signal to this process (Ctrl-C, kill) then stops the server
        # itself, and no orphaned server outlives a stopped `scalesim app`.
        os.execv(cmd[0], cmd)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0
