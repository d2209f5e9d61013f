"""pilotd's DIRAC extension: the ComputingElement for pilotd's pilots (CE type Pilotd)."""


def extension_metadata():
    """What DIRAC asks of an extension: not the primary one, loaded after DIRAC itself."""
    return {"priority": 10}
