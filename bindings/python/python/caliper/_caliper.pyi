from typing import Any, Mapping, Sequence

__version__: str

class Rules:
    """A checked, compiled rule set; share one across threads (evaluation releases the GIL)."""

    def __init__(self) -> None:
        """The embedded rule set, as ``Rules.embedded()``."""
    @staticmethod
    def embedded() -> Rules:
        """The rule set embedded in the library (the shipped model rule set)."""
    @staticmethod
    def load(path: str) -> Rules:
        """The rule set whose root is ``path``: a directory holding ``main.rules``, or a file.

        Raises ``CaliperError`` (code ``B0704``, ``document["diagnostics"]``) if it has errors."""
    @staticmethod
    def from_sources(files: Mapping[str, str], root: str) -> Rules:
        """A rule set from texts in memory: path to text, and the root file's path."""
    def evaluate(self, case: Mapping[str, Any]) -> dict[str, Any]:
        """The decision for a case document; raises ``CaliperError`` for a bad case."""
    def decide_json(self, case_json: str) -> str:
        """JSON text in, JSON text out: the decision document or the error document."""
    def review(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """The review of a proposed decision (偏离审查): a case document with a ``proposed`` member
        (``{"outcome": ..., "fine": ..., "penalties": [...]}``) in, ``{"decision": ..., "review": ...}``
        out; raises ``CaliperError`` for a bad request."""
    def review_json(self, request_json: str) -> str:
        """JSON text in, JSON text out: the review document or the error document."""
    def evaluate_many(
        self, cases: Sequence[Mapping[str, Any]], threads: int = 1
    ) -> list[dict[str, Any]]:
        """The decisions of many cases, in order, on ``threads`` threads without the GIL; a bad
        case gives its error document ``{"error": {...}}`` in its place instead of raising."""
    def decide_many_json(self, cases_json: Sequence[str], threads: int = 1) -> list[str]:
        """JSON texts in, JSON texts out, in order, on ``threads`` threads; the GIL is held only to
        read the list and build the result, so this form scales with threads."""
    @property
    def info(self) -> dict[str, str]:
        """The rule set's ``name``, ``version`` and ``digest``."""
    @property
    def warnings(self) -> list[dict[str, Any]]:
        """The warnings found when the rule set loaded, as diagnostics (code, message, labels)."""
