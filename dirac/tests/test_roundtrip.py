"""pilotd's ComputingElement against a real `pilotd run` serving its endpoint over TLS.

The pilotd distribution's DiracExtensionIT (dist/, run by `mvn -B verify`) starts the daemon, a
key, a proxy and a pilot of the director's own, and runs these tests with their whereabouts in
the environment; on their own they are skipped, saying so."""
import os
import time

import pytest

from pilotdDIRAC.Resources.Computing.PilotdComputingElement import PilotdComputingElement

NEEDED = ["PILOTD_ENDPOINT", "PILOTD_API_KEY_FILE", "PILOTD_CA_FILE", "PILOTD_PROXY_FILE", "PILOTD_QUEUE", "PILOTD_OWN_PILOT"]
pytestmark = pytest.mark.skipif(
    any(name not in os.environ for name in NEEDED),
    reason="no pilotd endpoint to test against: dist/'s DiracExtensionIT (mvn -B verify) runs these",
)


def _ce():
    ce = PilotdComputingElement("pilotd-ce.example.org")
    assert ce.setParameters(
        {
            "PilotdEndpoint": os.environ.get("PILOTD_ENDPOINT"),
            "PilotdAPIKeyFile": os.environ.get("PILOTD_API_KEY_FILE"),
            "PilotdCAFile": os.environ.get("PILOTD_CA_FILE"),
            "Queue": os.environ.get("PILOTD_QUEUE"),
        }
    )["OK"]
    return ce


def _waitFor(what, check, seconds=120):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.5)


def test_a_pilot_submitted_through_the_endpoint_is_followed_read_and_killed(tmp_path):
    ce = _ce()
    wrapper = tmp_path / "wrapper.sh"
    wrapper.write_text("#!/bin/sh\necho 'pilot-from-dirac-4c1e'\nexec sleep 300\n")
    with open(os.environ["PILOTD_PROXY_FILE"]) as f:
        proxy = f.read()

    submitted = ce.submitJob(str(wrapper), proxy, 1)
    assert submitted["OK"], submitted
    (reference,) = submitted["Value"]
    stamp = submitted["PilotStampDict"][reference]
    assert reference == "pilotd://" + stamp

    def running():
        status = ce.getJobStatus([reference])
        assert status["OK"], status
        return status["Value"][reference] == "Running"

    _waitFor("the pilot to run", running)
    available = ce.getCEStatus()
    assert available["OK"], available
    assert available["RunningJobs"] == 1

    def output():
        result = ce.getJobOutput(reference + ":::" + stamp)
        return result["OK"] and "pilot-from-dirac-4c1e" in result["Value"][0]

    _waitFor("the pilot's output", output)

    killed = ce.killJob([reference])
    assert killed["OK"], killed
    status = ce.getJobStatus([reference])
    assert status["OK"] and status["Value"][reference] == "Deleted", status


def test_a_pilot_the_director_started_itself_is_followed_and_killed_by_its_reference():
    ce = _ce()
    reference = os.environ["PILOTD_OWN_PILOT"]
    status = ce.getJobStatus([reference])
    assert status["OK"], status
    assert status["Value"][reference] in ("Submitted", "Waiting", "Scheduled", "Running")
    killed = ce.killJob([reference])
    assert killed["OK"], killed
    assert ce.getJobStatus([reference])["Value"][reference] == "Deleted"


def test_a_pilot_pilotd_does_not_know_is_unknown_not_gone():
    ce = _ce()
    reference = "pilotd://" + "f" * 32
    status = ce.getJobStatus([reference])
    assert status["OK"], status
    assert status["Value"] == {reference: "Unknown"}
    killed = ce.killJob([reference])
    assert not killed["OK"]
    assert "404" in killed["Message"]
