"""scalesim: data-bottleneck and compute-economics simulator.

The public API is listed explicitly here.
"""

from scalesim._version import __version__

__all__ = ["__version__"]
