"""A stand-in of the parts of DIRAC that pilotd's ComputingElement uses, for its tests: DIRAC
itself is not installable here (no Python package index). Each piece follows DIRAC's own
(DIRACGrid/DIRAC, src/DIRAC/Core/Utilities/ReturnValues.py for S_OK and S_ERROR,
src/DIRAC/FrameworkSystem/Client/Logger.py for gLogger's sub-loggers)."""
import logging


def S_OK(value=None):
    """ReturnValues.S_OK: a successful result, its value under "Value"."""
    return {"OK": True, "Value": value}


def S_ERROR(message=""):
    """ReturnValues.S_ERROR (with a message only): a failed result, its reason under "Message"."""
    return {"OK": False, "Message": message}


class _Logger:
    """gLogger's methods that CEs call; DIRAC's logs through the logging module as well."""

    def __init__(self, name):
        self._log = logging.getLogger(name)

    def getSubLogger(self, name):
        return _Logger(self._log.name + "." + name)

    def debug(self, *args):
        self._log.debug(" ".join(str(a) for a in args))

    def verbose(self, *args):
        self._log.debug(" ".join(str(a) for a in args))

    def info(self, *args):
        self._log.info(" ".join(str(a) for a in args))

    def warning(self, *args):
        self._log.warning(" ".join(str(a) for a in args))

    warn = warning

    def error(self, *args):
        self._log.error(" ".join(str(a) for a in args))


gLogger = _Logger("DIRAC")
