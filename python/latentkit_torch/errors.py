"""The one error class of the twin: what is wrong and what to do, as latentkit's errors say."""


class LatentkitTorchError(ValueError):
    """A file, config or input the twin cannot use; the message says what to do."""
