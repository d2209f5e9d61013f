"""The ComputingElement of pilotd's pilots (CE type Pilotd).

pilotd writes its pilots to DIRAC's PilotAgents table with GridType Pilotd and the reference
each pilot reports, pilotd://<stamp>. DIRAC loads this class for such a pilot
(WorkloadManagementSystem/Service/WMSUtilities.py: getPilotCE and killPilotsInQueues build the
CE from the pilot's GridType and its site, CE and queue in the CS), so that its admin commands
and web monitor kill, follow and read pilotd's pilots through pilotd's endpoint:

    DELETE /jobs/<stamp>, GET /jobs/<stamp>, GET /jobs/<stamp>/output

The same class submits through the endpoint (POST /submitjob with the encoded proxy and
wrapper), so a DIRAC SiteDirector can use a pilotd endpoint as a CE.

Its options, on the CE or its queue in /Resources/Sites/<site>/CEs/<ce> (pilotd dirac cs prints
them for pilotd's queues):

    PilotdEndpoint    the endpoint's URL, https://host:port (required)
    PilotdAPIKeyFile  a file holding the endpoint's API key (pilotd endpoint key add), readable
                      by DIRAC's user only (required)
    PilotdQueue       the pilotd queue to submit to (default: the CE queue's name)
    PilotdCAFile      the CA certificates that sign the endpoint's certificate (default: the
                      system's)
    PilotdTimeout     seconds a call may take (default: 30)
"""
import base64
import ipaddress
import json
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
import uuid

from DIRAC import S_ERROR, S_OK
from DIRAC.Resources.Computing.ComputingElement import ComputingElement

REFERENCE_SCHEME = "pilotd://"
# pilotd's stamps, as DIRAC's PilotStamp column (VARCHAR(32)) holds them
STAMP = re.compile(r"^[0-9a-f]{32}$")
LIVE_WAITING = ("Submitted", "Waiting", "Scheduled", "Unknown")


def stampOf(reference):
    """The stamp of a pilot reference, with or without the :::<stamp> DIRAC appends to ask for
    output (WMSUtilities.getPilotRef); None for a reference that is not pilotd's."""
    if not isinstance(reference, str) or not reference.startswith(REFERENCE_SCHEME):
        return None
    stamp = reference[len(REFERENCE_SCHEME) :].split(":::")[0]
    return stamp if STAMP.match(stamp) else None


class EndpointError(Exception):
    """A call the endpoint refused or could not answer, with the endpoint's own message."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class PilotdComputingElement(ComputingElement):
    """pilotd's pilots, through pilotd's REST endpoint."""

    def __init__(self, ceName):
        super().__init__(ceName)
        self.mandatoryParameters = ["PilotdEndpoint", "PilotdAPIKeyFile"]

    # The settings, checked before any call: a bad one is named, and nothing is sent.

    def _settings(self):
        """(endpoint URL, API key, timeout, SSL context) or raises EndpointError naming the option."""
        missing = [name for name in self.mandatoryParameters if not self.ceParameters.get(name)]
        if missing:
            raise EndpointError(
                "the CE %s has no %s: pilotd's endpoint cannot be reached (see pilotd dirac cs)"
                % (self.ceName, " nor ".join(missing))
            )
        url = str(self.ceParameters["PilotdEndpoint"]).rstrip("/")
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("https", "http") or not parsed.hostname or parsed.path not in ("", "/"):
            raise EndpointError("PilotdEndpoint of the CE %s is not https://host:port: %s" % (self.ceName, url))
        if parsed.scheme == "http" and not _loopback(parsed.hostname):
            raise EndpointError(
                "PilotdEndpoint of the CE %s is plain http to %s: the key would travel in clear; use https"
                % (self.ceName, parsed.hostname)
            )
        keyFile = str(self.ceParameters["PilotdAPIKeyFile"])
        try:
            with open(keyFile, encoding="ascii") as f:
                key = f.read().strip()
        except (OSError, UnicodeDecodeError) as e:
            raise EndpointError("PilotdAPIKeyFile of the CE %s cannot be read: %s" % (self.ceName, e))
        if not key or any(c.isspace() for c in key):
            raise EndpointError("PilotdAPIKeyFile of the CE %s (%s) holds no API key" % (self.ceName, keyFile))
        try:
            timeout = float(self.ceParameters.get("PilotdTimeout", 30))
        except (TypeError, ValueError):
            raise EndpointError("PilotdTimeout of the CE %s is not a number of seconds" % self.ceName)
        if timeout <= 0:
            raise EndpointError("PilotdTimeout of the CE %s must be more than 0 seconds" % self.ceName)
        context = None
        if parsed.scheme == "https":
            try:
                context = ssl.create_default_context(cafile=self.ceParameters.get("PilotdCAFile") or None)
            except (OSError, ssl.SSLError) as e:
                raise EndpointError("PilotdCAFile of the CE %s cannot be read: %s" % (self.ceName, e))
        return url, key, timeout, context

    def _queue(self):
        queue = self.ceParameters.get("PilotdQueue") or self.ceParameters.get("Queue")
        if not queue:
            raise EndpointError("the CE %s has neither PilotdQueue nor a queue name to submit to" % self.ceName)
        return str(queue)

    def _call(self, method, path, body=None):
        """One call: (status, parsed JSON or text). An answer the endpoint refused raises EndpointError
        with its message; so does one that never came (nothing is concluded from it)."""
        url, key, timeout, context = self._settings()
        data = None
        headers = {"x-api-key": key, "Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
                return answer.status, _read(answer)
        except urllib.error.HTTPError as e:
            content = _read(e)
            message = content.get("message") if isinstance(content, dict) else None
            raise EndpointError("%s %s: %s %s" % (method, path.split("?")[0], e.code, message or e.reason), e.code)
        except (urllib.error.URLError, OSError) as e:
            raise EndpointError("%s %s: pilotd's endpoint %s did not answer: %s" % (method, path.split("?")[0], url, e))

    # DIRAC's interface (Resources/Computing/ComputingElement.py and the remote CEs' methods that
    # SiteDirector and WMSUtilities call)

    def _reset(self):
        """Called by setParameters: the settings must hold before DIRAC uses the CE."""
        try:
            self._settings()
        except EndpointError as e:
            return S_ERROR(str(e))
        return S_OK()

    def submitJob(self, executableFile, proxy=None, numberOfJobs=1, **kwargs):
        """Starts numberOfJobs pilots of the wrapper executableFile through the endpoint, each under a
        stamp of its own as job name; returns their references, and their stamps in PilotStampDict."""
        try:
            self._settings()
            queue = self._queue()
            proxyPem = self._proxyPem(proxy)
            with open(executableFile, "rb") as f:
                wrapper = f.read()
        except (EndpointError, OSError) as e:
            return S_ERROR("cannot submit to pilotd: %s" % e)
        body = {
            "proxyFileEncoded": base64.b64encode(proxyPem.encode("ascii")).decode("ascii"),
            "wrapperFileEncoded": base64.b64encode(wrapper).decode("ascii"),
        }
        references = []
        stamps = {}
        for _ in range(int(numberOfJobs)):
            stamp = uuid.uuid4().hex
            path = "/submitjob?" + urllib.parse.urlencode({"queue": queue, "job_name": stamp})
            try:
                _, job = self._call("POST", path, body)
            except EndpointError as e:
                if not references:
                    return S_ERROR("pilotd did not start a pilot: %s" % e)
                self.log.warning("pilotd started %d of %d pilots" % (len(references), numberOfJobs), str(e))
                break
            reference = job.get("pilotReference") or REFERENCE_SCHEME + job["stamp"]
            references.append(reference)
            stamps[reference] = job["stamp"]
        result = S_OK(references)
        result["PilotStampDict"] = stamps
        return result

    def killJob(self, jobIDList):
        """Kills each pilot (DELETE /jobs/<stamp>): a pilot that has ended is left as it is."""
        failed = []
        for reference in _listOf(jobIDList):
            stamp = stampOf(reference)
            if stamp is None:
                failed.append("%s is not a pilotd reference" % reference)
                continue
            try:
                self._call("DELETE", "/jobs/" + stamp)
            except EndpointError as e:
                failed.append("%s: %s" % (reference, e))
        if failed:
            return S_ERROR("pilotd did not kill every pilot: %s" % "; ".join(failed))
        return S_OK()

    def getJobStatus(self, jobIDList):
        """Each pilot's status in DIRAC's names, as pilotd last saw it; Unknown for one pilotd does not
        know. A failed call is an error, never a status."""
        statuses = {}
        for reference in _listOf(jobIDList):
            stamp = stampOf(reference)
            if stamp is None:
                statuses[reference] = "Unknown"
                continue
            try:
                _, job = self._call("GET", "/jobs/" + stamp)
            except EndpointError as e:
                if e.status == 404:
                    statuses[reference] = "Unknown"
                    continue
                return S_ERROR(str(e))
            statuses[reference] = job["status"]
        return S_OK(statuses)

    def getJobOutput(self, jobID, workingDirectory=None):
        """The pilot's output, where its cloud keeps one: (output, error), as DIRAC's
        PilotManagerHandler stores them."""
        stamp = stampOf(jobID)
        if stamp is None:
            return S_ERROR("%s is not a pilotd reference" % jobID)
        try:
            _, text = self._call("GET", "/jobs/%s/output" % stamp)
        except EndpointError as e:
            return S_ERROR(str(e))
        return S_OK((text, ""))

    def getCEStatus(self):
        """The live pilots this CE's key started at its queue, as waiting and running."""
        try:
            _, listing = self._call("GET", "/jobs?" + urllib.parse.urlencode({"queue": self._queue()}))
        except EndpointError as e:
            return S_ERROR(str(e))
        jobs = listing.get("jobs", [])
        result = S_OK()
        result["SubmittedJobs"] = 0
        result["RunningJobs"] = sum(1 for job in jobs if job["status"] == "Running")
        result["WaitingJobs"] = sum(1 for job in jobs if job["status"] in LIVE_WAITING)
        return result

    def _proxyPem(self, proxy):
        """The proxy to hand on: the one given, else the one set on the CE (an X509Chain, as
        SiteDirector sets it, or PEM text)."""
        for candidate in (proxy, self.proxy):
            if isinstance(candidate, bytes):
                candidate = candidate.decode("ascii")
            if isinstance(candidate, str) and candidate.strip():
                return candidate
            if candidate is not None and hasattr(candidate, "dumpAllToString"):
                dumped = candidate.dumpAllToString()
                if not dumped["OK"]:
                    raise EndpointError("the proxy cannot be read: %s" % dumped["Message"])
                value = dumped["Value"]
                return value.decode("ascii") if isinstance(value, bytes) else value
        raise EndpointError("no proxy to give the pilots: the SiteDirector sets one (setProxy)")


def _listOf(jobIDList):
    return [jobIDList] if isinstance(jobIDList, str) else list(jobIDList)


def _loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read(answer):
    text = answer.read().decode("utf-8", errors="replace")
    if "json" in (answer.headers.get("Content-Type") or ""):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text
