"""A matplotlib backend for the build: ``plt.show()`` saves each figure as SVG.

The build child selects it (``MPLBACKEND=module://docexec.mpl_svg``), so a
snippet ends with an ordinary ``plt.show()`` and still runs as copied. Figures
land in the child's working folder as ``figure-N.svg``; the child returns them
with the output. The style is set here, not in snippets: a transparent
background and mid-grey text and axes read well on the light and the dark theme,
and a fixed hash salt and no date make the SVG byte-identical from run to run.
"""

from __future__ import annotations

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG, FigureManagerSVG

GREY = "#8a8a8a"
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "docexec",
        "svg.fonttype": "path",  # text as paths: no font needed to view it
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.facecolor": "none",
        "savefig.transparent": True,
        "text.color": GREY,
        "axes.labelcolor": GREY,
        "axes.edgecolor": GREY,
        "xtick.color": GREY,
        "ytick.color": GREY,
        "legend.frameon": False,
        "figure.figsize": (6.4, 3.6),
    }
)

FigureCanvas = FigureCanvasSVG
FigureManager = FigureManagerSVG
_saved = 0


def show(*args, **kwargs) -> None:
    global _saved
    from matplotlib import pyplot

    for number in pyplot.get_fignums():
        _saved += 1
        pyplot.figure(number).savefig(f"figure-{_saved}.svg", format="svg", metadata={"Date": None})
    pyplot.close("all")
