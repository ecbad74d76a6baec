"""What one run of a program gave: the one type the worker produces and everything else
reads (the judge, the session, the cache, the report, the records).

The worker sends it as JSON (``to_json``); the client and the cache read it back
(``from_json``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional


@dataclass(frozen=True)
class RaisedError:
    """The uncaught exception a program ended with."""

    type: str  # the class's name: RuntimeError, GradcheckError
    module: str  # its module: builtins, torch.autograd.gradcheck
    message: str  # str() of it
    line: Optional[int]  # the program's own line it came from (the deepest frame in the program)


@dataclass(frozen=True)
class RunResult:
    output: str  # what the terminal received (the run's folder cut from paths)
    status: int  # exit status as the shell reports it; negative: killed by that signal
    started: float  # wall clock at its start (the judge looks for it in the output)
    finished: bool = False  # the program's own report arrived: it ended as Python ends, not by os._exit or a signal
    error: Optional[RaisedError] = None
    duration: float = 0.0  # seconds the program ran
    figures: tuple[str, ...] = ()  # the SVG of every figure plt.show() showed
    reads: tuple[str, ...] = ()  # files of its folder it opened for reading (for the cache key)
    peak: dict = field(default_factory=dict)  # rss_bytes, and <device>_bytes where it used one
    types: dict = field(default_factory=dict)  # global name -> qualified type of its value at the end (API links)
    timeout: Optional[float] = None  # set when it was killed at its timeout
    limit: Optional[int] = None  # set when it was killed for printing more than this many bytes
    size: int = 0  # bytes it printed

    @property
    def stopped(self) -> bool:
        """Killed by the executor (its timeout, the output limit): never cached, never judged twice."""
        return self.timeout is not None or self.limit is not None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "RunResult":
        error = data.get("error")
        return cls(**{**data, "error": RaisedError(**error) if error else None,
                      "figures": tuple(data.get("figures", ())), "reads": tuple(data.get("reads", ()))})
