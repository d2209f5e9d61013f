"""A stand-in of DIRAC's ComputingElement base class, with the interface of DIRAC's own
(src/DIRAC/Resources/Computing/ComputingElement.py, DIRACGrid/DIRAC at 0548f1fd):
__init__(ceName) sets log, ceName, ceParameters, mandatoryParameters, proxy and ceType (the class
name less ComputingElement); setProxy(proxy); setParameters(ceOptions) updates ceParameters, turns
the integer parameters into ints and returns self._reset(); isValid() checks the mandatory
parameters. The parameters DIRAC collects from its CS sections come from setParameters here."""
from DIRAC import S_ERROR, S_OK, gLogger

INTEGER_PARAMETERS = ["CPUTime", "NumberOfProcessors", "NumberOfPayloadProcessors", "MaxRAM"]


class ComputingElement:
    def __init__(self, ceName):
        self.log = gLogger.getSubLogger(ceName)
        self.ceName = ceName
        self.ceParameters = {}
        self.mandatoryParameters = []
        self.proxy = ""
        clsName = self.__class__.__name__
        self.ceType = clsName[: -len("ComputingElement")] if clsName.endswith("ComputingElement") else clsName

    def setProxy(self, proxy):
        self.proxy = proxy

    def isValid(self):
        for par in self.mandatoryParameters:
            if par not in self.ceParameters:
                return S_ERROR(f"Missing Mandatory Parameter in Configuration: {par}")
        return S_OK()

    def _reset(self):
        return S_OK()

    def setParameters(self, ceOptions):
        self.ceParameters.update(ceOptions)
        for key in ceOptions:
            if key in INTEGER_PARAMETERS:
                self.ceParameters[key] = int(self.ceParameters[key])
        return self._reset()
