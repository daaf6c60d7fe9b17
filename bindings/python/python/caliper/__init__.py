"""caliper: 行政处罚裁量基准规则引擎 (rule engine for Chinese administrative penalty discretion).

    >>> import caliper
    >>> rules = caliper.Rules.embedded()
    >>> d = rules.evaluate({"violation": "XR-49-2", "facts": {"party_type": "individual"}})
    >>> d["outcome"]
    'undetermined'

Cases and decisions are the JSON documents of the library's contract, as dicts (amounts that are
not whole yuan come back as ``decimal.Decimal``) or as JSON text (``decide_json``). A bad case
raises ``CaliperError`` with the contract's ``code``, ``message`` and ``at``.
"""


class CaliperError(Exception):
    """A bad case or a rule set that did not load: the error document of the contract."""

    def __init__(self, code: str, message: str, at: str = "", document: object = None):
        super().__init__(f"{code}: {message}" + (f"（{at}）" if at else ""))
        #: Stable code: ``E05xx`` for a bad case, ``B07xx`` from the binding, ``B0704`` rules with errors.
        self.code = code
        #: What is wrong, in Chinese.
        self.message = message
        #: Where: ``facts.volume_m3``, ``violation``, a line and column, a rule file's place.
        self.at = at
        #: The whole error document as a dict (with ``diagnostics`` for rules with errors).
        self.document = document


from ._caliper import Rules, __version__  # noqa: E402

__all__ = ["CaliperError", "Rules", "__version__"]
